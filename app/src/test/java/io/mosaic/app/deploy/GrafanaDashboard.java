package io.mosaic.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The provisioned Grafana dashboard: its panels and every PromQL expression it sends to Prometheus. */
record GrafanaDashboard(JsonNode json) {

    /** Grafana's {@code label_values(selector, label)}: the selector reads a metric, the label does not. */
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\)\\s*$", Pattern.DOTALL);
    private static final Pattern LABEL_VALUES_ONLY_LABEL = Pattern.compile("^\\s*label_values\\(\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\)\\s*$");
    private static final Pattern QUERY_RESULT = Pattern.compile("^\\s*query_result\\((.*)\\)\\s*$", Pattern.DOTALL);

    static GrafanaDashboard read() {
        return new GrafanaDashboard(DeployFiles.readJson(DeployFiles.grafanaDashboard()));
    }

    /** Every panel, those inside collapsed rows included; rows themselves included. */
    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : json.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** The PromQL of every panel target and every query variable. */
    List<String> expressions() {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : panels()) {
            panel.path("targets").forEach(t -> expressions.add(t.path("expr").asText()));
        }
        for (JsonNode variable : json.path("templating").path("list")) {
            if (!variable.path("type").asText().equals("query")) {
                continue;
            }
            JsonNode query = variable.path("query");
            String text = query.isTextual() ? query.asText() : query.path("query").asText();
            Matcher labelValues = LABEL_VALUES.matcher(text);
            Matcher queryResult = QUERY_RESULT.matcher(text);
            if (labelValues.matches()) {
                expressions.add(labelValues.group(1));
            } else if (queryResult.matches()) {
                expressions.add(queryResult.group(1));
            } else if (!LABEL_VALUES_ONLY_LABEL.matcher(text).matches()) {
                throw new IllegalStateException("a query variable Mosaic's tests cannot read: " + text);
            }
        }
        return expressions;
    }

    Set<PromQl.Selector> selectors() {
        Set<PromQl.Selector> selectors = new LinkedHashSet<>();
        expressions().forEach(e -> selectors.addAll(PromQl.selectors(e)));
        return selectors;
    }
}
