package io.mosaic.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mosaic.platform.config.MosaicConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DashboardSettingsTest {

    @Test
    void defaultsListenOnLoopbackPort8080AndReadEveryFiveSeconds() {
        DashboardSettings s = DashboardSettings.from(MosaicConfig.defaults());

        assertThat(s.bind()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.window()).isEqualTo(10);
        assertThat(s.groups().matcher("anything").matches()).isTrue();
        assertThat(s.webhooks()).isEmpty();
    }

    @Test
    void readsEverySettingFromTheEnvironment() {
        MosaicConfig config = MosaicConfig.builder(DashboardSettings.SETTINGS).environment(Map.of(
                "MOSAIC_DASHBOARD_PORT", "9090",
                "MOSAIC_LAG_INTERVAL_MS", "1000",
                "MOSAIC_LAG_WINDOW", "6",
                "MOSAIC_LAG_GROUPS", "mosaic-.*",
                "MOSAIC_ALERT_WEBHOOK_URLS", "http://127.0.0.1:1/a, https://hooks.example.com/b",
                "MOSAIC_ALERT_AFTER_MS", "3000")).build();

        DashboardSettings s = DashboardSettings.from(config);

        assertThat(s.port()).isEqualTo(9090);
        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.window()).isEqualTo(6);
        assertThat(s.groups().matcher("mosaic-analyzers").matches()).isTrue();
        assertThat(s.groups().matcher("other").matches()).isFalse();
        assertThat(s.webhooks()).containsExactly(URI.create("http://127.0.0.1:1/a"), URI.create("https://hooks.example.com/b"));
        assertThat(s.alertAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            dashboard.port     | 70000          | dashboard.port must be between 0 and 65535
            lag.interval.ms    | 10             | lag.interval.ms must be at least 100, got 10
            lag.window         | 1              | lag.window must be between 2 and 1000
            lag.groups         | (unclosed      | lag.groups is not a regular expression
            alert.webhook.urls | ftp://x/y      | not an http(s) URL
            alert.after.ms     | -5             | alert.after.ms must be at least 0, got -5
            """)
    void rejectsBadValuesWithTheSettingsName(String key, String value, String message) {
        // A value out of a setting's declared range fails when the configuration is built; one the
        // range cannot express (a pattern, a URL) when the settings are read.
        assertThatThrownBy(() -> DashboardSettings.from(MosaicConfig.builder(DashboardSettings.SETTINGS).flags(Map.of(key, value)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
