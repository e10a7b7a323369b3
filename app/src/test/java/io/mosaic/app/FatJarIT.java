package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The packaged {@code mosaic.jar} (failsafe runs after the package phase): what dominates it and what
 * was trimmed. Kafka's broker and Scala stay (the embedded cluster needs them); RocksDB's native
 * library stays for the platforms Mosaic's users run, not for all fifteen it ships.
 */
class FatJarIT {

    private static final Path JAR = Path.of(System.getProperty("basedir", "."), "target", "mosaic.jar");

    @Test
    void theJarCarriesRocksDbOnlyForCommonPlatformsAndTheRegistryBundleLiesBesideIt() throws Exception {
        assertThat(JAR).isRegularFile();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> natives = jar.stream().map(ZipEntry::getName).filter(n -> n.startsWith("librocksdbjni-")).toList();
            assertThat(natives).contains("librocksdbjni-linux64.so", "librocksdbjni-linux-aarch64.so",
                    "librocksdbjni-osx-arm64.jnilib", "librocksdbjni-win64.dll");
            assertThat(natives).noneMatch(n -> n.contains("ppc64le") || n.contains("s390x") || n.contains("linux32")
                    || n.contains("riscv64"));
            assertThat(jar.getEntry("kafka/server/KafkaRaftServer.class")).as("the embedded broker").isNotNull();
        }
        assertThat(Files.size(JAR)).as("bytes of mosaic.jar").isLessThan(100L * 1024 * 1024);
        try (var beside = Files.list(JAR.getParent())) {
            assertThat(beside.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("apicurio-registry-app-") && n.endsWith("-all.tar.gz"));
        }
    }
}
