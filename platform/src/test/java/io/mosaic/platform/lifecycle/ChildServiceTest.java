package io.mosaic.platform.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildServiceTest {

    @Test
    void aChildRunsInAPrivateDirectoryWithACutDownEnvironmentAndCloseEndsItAndDeletesTheDirectory() throws Exception {
        ChildService service = new ChildService("test child", "child.log");
        try {
            Path dir = service.open("mosaic-child-test-");
            Process child = service.launch(List.of("sh", "-c", "env; echo started; exec sleep 60"), Map.of("LOG_LEVEL", "warn"));

            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(service.logFile()).contains("started"));
            List<String> names = Files.readString(service.logFile()).lines().filter(line -> line.contains("="))
                    .map(line -> line.substring(0, line.indexOf('='))).toList();
            // sh adds PWD (and may add SHLVL) itself.
            assertThat(names).contains("LOG_LEVEL").allMatch(name -> ChildService.INHERITED_ENVIRONMENT.contains(name)
                    || List.of("LOG_LEVEL", "PWD", "SHLVL", "_").contains(name));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            assertThat(service.logTail()).contains("started");

            service.close();

            assertThat(child.isAlive()).isFalse();
            assertThat(dir).doesNotExist();
            assertThat(service.process()).isNull();
            assertThat(service.logTail()).isEqualTo("(no log)");
        } finally {
            service.close();
        }
    }
}
