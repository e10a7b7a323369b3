package io.mosaic.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mosaic.platform.kafka.KafkaClients;
import java.io.IOException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A bench run's lines as the terminal shows them, as Markdown for BENCHMARKS.md and as JSON.
 *
 * @param header what ran where: rounds, threads, cores, heap, versions, cluster
 * @param rounds rounds of each line
 * @param threads analyzer threads
 */
public record BenchReport(String header, int rounds, int threads) {

    /** The table as the terminal shows it. */
    public String table(List<BenchLine> lines) {
        StringBuilder table = new StringBuilder();
        int width = lines.stream().mapToInt(l -> l.name().length()).max().orElse(10);
        table.append(String.format(Locale.ROOT, "%-" + width + "s %10s %10s %-9s %7s %-16s %s%n", "line", "Mosaic", "baseline", "unit", "ratio", "target", "met"));
        for (BenchLine line : lines) {
            table.append(String.format(Locale.ROOT, "%-" + width + "s %10s %10s %-9s %7s %-16s %s%n", line.name(),
                    BenchLine.number(line.mosaicMedian()), line.baselineMedian().map(BenchLine::number).orElse("-"), line.unit(),
                    line.ratio().map(r -> String.format(Locale.ROOT, "%.2fx", r)).orElse("-"), line.targetText(),
                    line.met().map(m -> m ? "yes" : "NO").orElse("-")));
        }
        return table.toString();
    }

    /** The table in Markdown, with the command and the machine, for BENCHMARKS.md. */
    public String markdown(List<BenchLine> lines, String command) {
        StringBuilder md = new StringBuilder("# Benchmarks\n\n");
        md.append("Latest run, ").append(LocalDate.now()).append(": `").append(command).append("`\n\n");
        md.append(header.replace("mosaic bench: ", "")).append(".\n\n");
        md.append("| line | Mosaic | baseline | unit | ratio | target | met |\n|---|---|---|---|---|---|---|\n");
        for (BenchLine line : lines) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", line.name(), BenchLine.number(line.mosaicMedian()),
                    line.baselineMedian().map(BenchLine::number).orElse("-"), line.unit(),
                    line.ratio().map(r -> String.format(Locale.ROOT, "%.2fx", r)).orElse("-"), line.targetText(),
                    line.met().map(m -> m ? "yes" : "**no**").orElse("-")));
        }
        md.append("\nRounds (Mosaic; baseline):\n\n");
        for (BenchLine line : lines) {
            md.append("- ").append(line.name()).append(": ").append(values(line.mosaic()));
            if (line.baseline().length > 0) {
                md.append("; ").append(values(line.baseline()));
            }
            md.append('\n');
        }
        return md.toString();
    }

    public String json(List<BenchLine> lines) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("cores", Runtime.getRuntime().availableProcessors());
        root.put("heapMiB", Runtime.getRuntime().maxMemory() >> 20);
        root.put("java", System.getProperty("java.version"));
        root.put("kafka", KafkaClients.version());
        root.put("rounds", rounds);
        root.put("threads", threads);
        ArrayNode array = root.putArray("lines");
        for (BenchLine line : lines) {
            ObjectNode node = array.addObject();
            node.put("line", line.name());
            node.put("unit", line.unit());
            node.put("mosaic", line.mosaicMedian());
            line.baselineMedian().ifPresent(b -> node.put("baseline", b));
            line.ratio().ifPresent(r -> node.put("ratio", r));
            node.put("target", line.targetText());
            line.met().ifPresent(m -> node.put("met", m));
            ArrayNode rounds = node.putArray("mosaicRounds");
            Arrays.stream(line.mosaic()).forEach(rounds::add);
            ArrayNode baseRounds = node.putArray("baselineRounds");
            Arrays.stream(line.baseline()).forEach(baseRounds::add);
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static String values(double[] values) {
        return Arrays.stream(values).mapToObj(BenchLine::number).collect(Collectors.joining(", "));
    }
}
