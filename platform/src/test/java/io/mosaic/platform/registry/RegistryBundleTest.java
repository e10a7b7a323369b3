package io.mosaic.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryBundleTest {

    private static final String RUNNER = RegistryBundle.RUNNER_JAR;

    @TempDir
    Path tmp;

    private final Map<String, String> properties = new HashMap<>();
    private final Map<String, String> environment = new HashMap<>();

    private Optional<Path> jarDirectory = Optional.empty();

    private RegistryBundle bundle() {
        properties.putIfAbsent("user.home", tmp.resolve("home").toString());
        return new RegistryBundle(properties::get, environment::get, jarDirectory);
    }

    @Test
    void aJarWithTheArchiveBesideItNeedsNoMavenRepository() throws IOException {
        Path app = Files.createDirectories(tmp.resolve("opt/mosaic"));
        Path beside = Files.createFile(app.resolve(RegistryBundle.ARCHIVE_NAME));
        properties.put("maven.repo.local", tmp.resolve("no-such-repository").toString());
        jarDirectory = Optional.of(app);

        assertThat(bundle().archive()).isEqualTo(beside);

        Files.delete(beside);
        assertThatThrownBy(() -> bundle().archive())
                .hasMessageContaining(app.resolve(RegistryBundle.ARCHIVE_NAME) + " (beside the jar)")
                .hasMessageContaining(RegistryBundle.BUNDLE_ENV);
    }

    @Test
    void theJarDirectoryIsWhereAJarWasLoadedFromAndNothingForClassDirectories() {
        // Test classes come from a directory; JUnit's own classes from a jar.
        assertThat(RegistryBundle.jarDirectory(RegistryBundleTest.class)).isEmpty();
        assertThat(RegistryBundle.jarDirectory(Test.class)).hasValueSatisfying(dir -> assertThat(dir).isDirectory());
    }

    @Test
    void archiveIsLookedUpInPropertyThenEnvironmentThenLocalRepository() throws IOException {
        Path fromProperty = Files.createFile(tmp.resolve("property.tar.gz"));
        Path fromEnvironment = Files.createFile(tmp.resolve("environment.tar.gz"));
        Path repository = tmp.resolve("repo");
        Path fromRepository = archiveIn(repository);
        properties.put("maven.repo.local", repository.toString());

        properties.put(RegistryBundle.BUNDLE_PROPERTY, fromProperty.toString());
        environment.put(RegistryBundle.BUNDLE_ENV, fromEnvironment.toString());
        assertThat(bundle().archive()).isEqualTo(fromProperty);

        properties.remove(RegistryBundle.BUNDLE_PROPERTY);
        assertThat(bundle().archive()).isEqualTo(fromEnvironment);

        environment.remove(RegistryBundle.BUNDLE_ENV);
        assertThat(bundle().archive()).isEqualTo(fromRepository);

        // A path that is set but missing falls through to the next place.
        properties.put(RegistryBundle.BUNDLE_PROPERTY, tmp.resolve("missing.tar.gz").toString());
        assertThat(bundle().archive()).isEqualTo(fromRepository);
    }

    @Test
    void localRepositoryDefaultsToDotM2UnderTheHomeDirectory() throws IOException {
        Path home = tmp.resolve("someone");
        Path archive = archiveIn(home.resolve(".m2/repository"));
        properties.put("user.home", home.toString());

        assertThat(bundle().archive()).isEqualTo(archive);
    }

    @Test
    void missingArchiveSaysWhereItLookedAndHowToGetIt() {
        Path property = tmp.resolve("nowhere/a.tar.gz");
        Path env = tmp.resolve("elsewhere/b.tar.gz");
        properties.put(RegistryBundle.BUNDLE_PROPERTY, property.toString());
        environment.put(RegistryBundle.BUNDLE_ENV, env.toString());
        properties.put("maven.repo.local", tmp.resolve("empty-repo").toString());

        assertThatThrownBy(() -> bundle().archive())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(property.toString())
                .hasMessageContaining(env.toString())
                .hasMessageContaining(tmp.resolve("empty-repo").resolve("io/apicurio/apicurio-registry-app").toString())
                .hasMessageContaining("./mvnw package");
    }

    @Test
    void cacheRootIsPropertyThenXdgCacheHomeThenDotCache() {
        properties.put("user.home", "/home/someone");
        assertThat(bundle().cacheRoot()).isEqualTo(Path.of("/home/someone/.cache/mosaic"));

        environment.put("XDG_CACHE_HOME", "/var/cache/someone");
        assertThat(bundle().cacheRoot()).isEqualTo(Path.of("/var/cache/someone/mosaic"));

        properties.put(RegistryBundle.CACHE_PROPERTY, "/srv/mosaic-cache");
        assertThat(bundle().cacheRoot()).isEqualTo(Path.of("/srv/mosaic-cache"));
    }

    @Test
    void unpacksOnceAndReusesTheCompleteCopy() throws IOException {
        Path archive = archive(entries(RUNNER, "runner", "lib/a.jar", "library a"));
        Path cache = tmp.resolve("cache");

        Path home = RegistryBundle.unpack(archive, cache);

        assertThat(home.resolve(RUNNER)).hasContent("runner");
        assertThat(home.resolve("lib/a.jar")).hasContent("library a");
        assertThat(home.resolve(RegistryBundle.COMPLETE_MARKER)).isRegularFile();

        // A second unpack must not touch the copy: a file added since survives, the jar is unchanged.
        Files.writeString(home.resolve("added-later"), "kept");
        Files.delete(archive);
        assertThat(RegistryBundle.unpack(archive, cache)).isEqualTo(home);
        assertThat(home.resolve("added-later")).hasContent("kept");
        assertThat(leftovers(cache)).isEmpty();
    }

    @Test
    void concurrentUnpacksEndWithOneCompleteCopyAndNoLeftovers() throws Exception {
        Map<String, String> content = new LinkedHashMap<>();
        content.put(RUNNER, "runner");
        for (int i = 0; i < 200; i++) {
            content.put("lib/jar-" + i + ".jar", "library " + i + " ".repeat(2000));
        }
        Path archive = archive(content);
        Path cache = tmp.resolve("cache");
        int racers = 4;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<Path>> homes = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                Callable<Path> unpack = () -> {
                    go.await();
                    return RegistryBundle.unpack(archive, cache);
                };
                homes.add(pool.submit(unpack));
            }
            go.countDown();
            for (Future<Path> home : homes) {
                assertThat(home.get()).isEqualTo(cache.resolve("apicurio-registry-" + RegistryBundle.VERSION));
            }
        } finally {
            pool.shutdownNow();
        }
        Path home = cache.resolve("apicurio-registry-" + RegistryBundle.VERSION);
        assertThat(home.resolve(RUNNER)).hasContent("runner");
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.count()).isEqualTo(200);
        }
        assertThat(leftovers(cache)).isEmpty();
    }

    @Test
    void copyWithoutItsMarkerIsReplaced() throws IOException {
        Path cache = tmp.resolve("cache");
        Path damaged = Files.createDirectories(cache.resolve("apicurio-registry-" + RegistryBundle.VERSION));
        Files.writeString(damaged.resolve("half-written.jar"), "junk");

        Path home = RegistryBundle.unpack(archive(entries(RUNNER, "runner")), cache);

        assertThat(home.resolve(RUNNER)).hasContent("runner");
        assertThat(home.resolve("half-written.jar")).doesNotExist();
    }

    @Test
    void archiveWithoutTheRunnerJarIsRefused() throws IOException {
        Path archive = archive(entries("README.txt", "not a registry"));
        Path cache = tmp.resolve("cache");

        assertThatThrownBy(() -> RegistryBundle.unpack(archive, cache))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(RUNNER);
        assertThat(cache.resolve("apicurio-registry-" + RegistryBundle.VERSION)).doesNotExist();
        assertThat(leftovers(cache)).isEmpty();
    }

    @Test
    void entryOutsideTheArchiveRootIsRefused() throws IOException {
        Path cache = tmp.resolve("deep/cache");
        Path archive = archive(entries(RUNNER, "runner", "../escaped.jar", "evil"));

        assertThatThrownBy(() -> RegistryBundle.unpack(archive, cache))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("../escaped.jar");
        assertThat(tmp.resolve("deep/escaped.jar")).doesNotExist();
        assertThat(leftovers(cache)).isEmpty();
    }

    private static Map<String, String> entries(String... nameThenContent) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < nameThenContent.length; i += 2) {
            entries.put(nameThenContent[i], nameThenContent[i + 1]);
        }
        return entries;
    }

    private Path archive(Map<String, String> entries) throws IOException {
        Path archive = Files.createTempFile(tmp, "bundle-", ".tar.gz");
        try (OutputStream file = Files.newOutputStream(archive);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(file))) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                byte[] bytes = entry.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry tarEntry = new TarArchiveEntry(entry.getKey(), true);
                tarEntry.setSize(bytes.length);
                tar.putArchiveEntry(tarEntry);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
        }
        return archive;
    }

    /** Staging directories left in the cache root. */
    private static List<Path> leftovers(Path cache) throws IOException {
        if (!Files.exists(cache)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(cache)) {
            return children.filter(child -> child.getFileName().toString().contains(".partial-")).toList();
        }
    }

    /** An empty file where the bundle's archive lies in the Maven repository {@code repository}. */
    private static Path archiveIn(Path repository) throws IOException {
        Path archive = repository.resolve("io/apicurio/apicurio-registry-app/" + RegistryBundle.VERSION + "/" + RegistryBundle.ARCHIVE_NAME);
        Files.createDirectories(archive.getParent());
        return Files.createFile(archive);
    }
}
