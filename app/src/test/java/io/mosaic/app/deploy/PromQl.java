package io.mosaic.app.deploy;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The metric selectors of a PromQL expression: which series it reads, so a test can check each
 * against what the services really export. Enough PromQL for dashboards: functions, aggregations
 * with {@code by}/{@code without}, vector matching, ranges, offsets, strings and Grafana's
 * {@code $variables}.
 */
final class PromQl {

    /** A metric name and the label matchers given with it, {@code label -> "=value"} or {@code "=~regex"}. */
    record Selector(String metric, Map<String, String> matchers) {

        /** The value of an equality matcher on {@code label}, or null. */
        String equalTo(String label) {
            String m = matchers.get(label);
            return m != null && m.startsWith("=") && !m.startsWith("=~") ? m.substring(1) : null;
        }
    }

    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan");

    private final String expr;
    private int at;

    private PromQl(String expr) {
        this.expr = expr;
    }

    static Set<String> metricNames(String expr) {
        return selectors(expr).stream().map(Selector::metric).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static Set<Selector> selectors(String expr) {
        return new PromQl(expr).parse();
    }

    private Set<Selector> parse() {
        Set<Selector> selectors = new LinkedHashSet<>();
        while (at < expr.length()) {
            char c = expr.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                skipString();
            } else if (c == '[') {
                skipPast(']');
            } else if (c == '$') {
                at++;
                skipWhile("{}_" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
            } else if (c == '{') {
                Map<String, String> matchers = matchers();
                String name = matchers.remove("__name__");
                if (name != null && name.startsWith("=") && !name.startsWith("=~")) {
                    selectors.add(new Selector(name.substring(1), matchers));
                }
            } else if (Character.isDigit(c) || (c == '.' && at + 1 < expr.length() && Character.isDigit(expr.charAt(at + 1)))) {
                skipWhile("0123456789.eExXabcdefABCDEFmshdwy+_");
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                String word = identifier();
                char next = nextNonSpace();
                if (LABEL_LIST_KEYWORDS.contains(word)) {
                    if (next == '(') {
                        skipPast(')');
                    }
                } else if (AGGREGATIONS.contains(word) || KEYWORDS.contains(word) || next == '(') {
                    // an operator or a function: its arguments are read as the loop goes on
                } else {
                    selectors.add(new Selector(word, next == '{' ? matchers() : Map.of()));
                }
            } else {
                at++;
            }
        }
        return selectors;
    }

    private String identifier() {
        int start = at;
        while (at < expr.length() && (Character.isLetterOrDigit(expr.charAt(at)) || expr.charAt(at) == '_' || expr.charAt(at) == ':')) {
            at++;
        }
        return expr.substring(start, at);
    }

    /** The next character that is not white space, without consuming it; 0 at the end. */
    private char nextNonSpace() {
        while (at < expr.length() && Character.isWhitespace(expr.charAt(at))) {
            at++;
        }
        return at < expr.length() ? expr.charAt(at) : 0;
    }

    /** {@code {label="v", label=~"r", ...}} from the opening brace on. */
    private Map<String, String> matchers() {
        Map<String, String> matchers = new LinkedHashMap<>();
        at++;
        while (nextNonSpace() != '}' && at < expr.length()) {
            if (expr.charAt(at) == ',') {
                at++;
                continue;
            }
            String label = identifier();
            nextNonSpace();
            int opStart = at;
            skipWhile("=!~");
            String op = expr.substring(opStart, at);
            nextNonSpace();
            int valueStart = at + 1;
            skipString();
            matchers.put(label, op + expr.substring(valueStart, Math.max(valueStart, at - 1)));
        }
        at++;
        return matchers;
    }

    private void skipString() {
        if (at >= expr.length()) {
            return;
        }
        char quote = expr.charAt(at++);
        while (at < expr.length() && expr.charAt(at) != quote) {
            at += expr.charAt(at) == '\\' && quote != '`' ? 2 : 1;
        }
        at++;
    }

    private void skipPast(char end) {
        while (at < expr.length() && expr.charAt(at) != end) {
            char c = expr.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                skipString();
            } else {
                at++;
            }
        }
        at++;
    }

    private void skipWhile(String chars) {
        while (at < expr.length() && chars.indexOf(expr.charAt(at)) >= 0) {
            at++;
        }
    }
}
