package io.mosaic.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mosaic.app.deploy.PromQl.Selector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The provisioned Grafana dashboard: shows what the issue asks for, reads the provisioned data
 * source, and names only Prometheus jobs that exist. Whether each metric it names is really
 * exported is checked against live services in {@code ComposeRehearsalIT}.
 */
class GrafanaDashboardTest {

    private static final GrafanaDashboard DASHBOARD = GrafanaDashboard.read();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "kafka_consumergroup_group_lag{group=~\"$group\"}                                     | kafka_consumergroup_group_lag",
            "sum by (instance) (rate(mosaic_worker_tasks_processed_total[$__rate_interval]))     | mosaic_worker_tasks_processed_total",
            "max without (partition) (kafka_consumergroup_group_lag_seconds) > bool 10           | kafka_consumergroup_group_lag_seconds",
            "a / on (group) group_left(topic) b offset 5m                                        | a b",
            "sum(rate(x_total{job=\"w\", le=\"0.5\"}[1m])) or vector(0)                            | x_total",
            "{__name__=\"up\", job=\"x\"}                                                         | up",
            "count_values(\"status\", mosaic_consumergroup_status)                               | mosaic_consumergroup_status",
            "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))                          | h_bucket",
            "topk(5, label_replace(m, \"dst\", \"$1\", \"src\", \"(.*)\")) * 1e3                   | m",
            "sum by (group) (c{topic!~\"a,b}\"}) / ignoring(x) d:recorded:rate5m                 | c d:recorded:rate5m",
    })
    void metricNamesAreReadFromPromQl(String expr, String names) {
        assertThat(PromQl.metricNames(expr)).containsExactly(names.split(" "));
    }

    @Test
    void labelMatchersAreReadWithTheirMetric() {
        Set<Selector> selectors = PromQl.selectors("rate(t_total{job=\"mosaic-worker\", group=~\"$g\"}[1m]) + u{job!=\"x\"}");

        assertThat(selectors).containsExactly(
                new Selector("t_total", Map.of("job", "=mosaic-worker", "group", "=~$g")),
                new Selector("u", Map.of("job", "!=x")));
        assertThat(selectors.iterator().next().equalTo("job")).isEqualTo("mosaic-worker");
        assertThat(selectors.iterator().next().equalTo("group")).isNull();
    }

    @Test
    void showsLagInRecordsAndSecondsPerGroupAndPartitionStatusThroughputAndProgress() {
        Set<String> metrics = DASHBOARD.selectors().stream().map(Selector::metric).collect(Collectors.toSet());

        assertThat(metrics).contains("kafka_consumergroup_group_lag", "kafka_consumergroup_group_lag_seconds",
                "mosaic_consumergroup_status", "mosaic_worker_tasks_processed_total", "mosaic_job_progress");
        for (JsonNode panel : DASHBOARD.panels()) {
            for (JsonNode target : panel.path("targets")) {
                Set<String> names = PromQl.metricNames(target.path("expr").asText());
                if (names.contains("kafka_consumergroup_group_lag") || names.contains("kafka_consumergroup_group_lag_seconds")) {
                    assertThat(target.path("legendFormat").asText()).as(panel.path("title").asText() + ": one series per group and partition")
                            .contains("{{group}}").contains("{{partition}}");
                }
                if (names.contains("mosaic_worker_tasks_processed_total")) {
                    assertThat(target.path("expr").asText()).as("a counter is shown as a rate or a count of series")
                            .containsAnyOf("rate(", "count(");
                }
            }
        }
    }

    @Test
    void everyQueryGoesToTheProvisionedPrometheus() {
        JsonNode datasource = DeployFiles.readYaml(DeployFiles.grafanaProvisioning().resolve("datasources/prometheus.yml"))
                .path("datasources").get(0);
        List<JsonNode> queried = DASHBOARD.panels().stream().filter(p -> p.has("targets")).toList();

        assertThat(queried).hasSizeGreaterThanOrEqualTo(5).allSatisfy(panel -> {
            assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText()).isEqualTo(datasource.path("uid").asText());
            assertThat(panel.path("datasource").path("type").asText()).isEqualTo(datasource.path("type").asText());
            panel.path("targets").forEach(t -> assertThat(t.path("expr").asText()).isNotBlank());
        });
    }

    @Test
    void panelsHaveTitlesUniqueIdsAndPlaces() {
        List<Integer> ids = new ArrayList<>();
        for (JsonNode panel : DASHBOARD.panels()) {
            assertThat(panel.path("title").asText()).isNotBlank();
            assertThat(panel.path("gridPos").path("w").asInt()).isBetween(1, 24);
            assertThat(panel.path("gridPos").path("x").asInt() + panel.path("gridPos").path("w").asInt()).isLessThanOrEqualTo(24);
            ids.add(panel.path("id").asInt());
        }
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(DASHBOARD.json().path("uid").asText()).isEqualTo("mosaic");
        assertThat(DASHBOARD.json().has("id") && !DASHBOARD.json().path("id").isNull()).as("a provisioned dashboard has no database id").isFalse();
    }

    @Test
    void everyJobSelectorNamesAScrapedJob() {
        Set<String> jobs = new HashSet<>();
        DeployFiles.readYaml(DeployFiles.prometheusConfig()).path("scrape_configs").forEach(j -> jobs.add(j.path("job_name").asText()));

        Set<String> selected = DASHBOARD.selectors().stream().map(s -> s.equalTo("job")).filter(j -> j != null).collect(Collectors.toSet());
        assertThat(selected).isNotEmpty();
        assertThat(jobs).containsAll(selected);
    }
}
