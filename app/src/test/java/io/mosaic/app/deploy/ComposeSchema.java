package io.mosaic.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * The Compose Specification's JSON schema (draft-07), as the npm package
 * {@value #NPM_PACKAGE} (MIT) ships it: fetched once with {@code npm pack} into
 * {@code target/compose-schema}, checked against the package's published integrity, and read
 * from there afterwards. Without npm the tests that need it are skipped, never failed.
 */
final class ComposeSchema {

    static final String NPM_PACKAGE = "dclint@3.1.0";
    private static final String TARBALL = "dclint-3.1.0.tgz";
    private static final String SCHEMA_ENTRY = "package/schemas/compose.schema.json";
    /** The registry's {@code dist.integrity} of the tarball: the same schema on every machine. */
    private static final String TARBALL_SHA512 = "afTGdzRFUXK4yCpIiEW/LOR+9TOMEDhNldDp56VCWzn7JDmD451PcUi640GGlMHgbHKJ10rDBm4PtpcBbjqlXw==";
    private static final long NPM_TIMEOUT_SECONDS = 180;

    private static JsonSchema schema;

    private ComposeSchema() {
    }

    /** Every violation of the schema in {@code document}, one line each; empty when it is valid. */
    static List<String> violations(JsonNode document) {
        return load().validate(document).stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    static synchronized JsonSchema load() {
        if (schema == null) {
            Path tarball = tarball();
            JsonNode schemaJson = schemaJson(tarball);
            assertDraft07(schemaJson);
            // The schema's $id, compose_spec.json, is relative: it needs a base to resolve against.
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(tarball.toUri(), schemaJson);
        }
        return schema;
    }

    private static JsonNode schemaJson(Path tarball) {
        try (InputStream in = Files.newInputStream(tarball);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.getName().equals(SCHEMA_ENTRY)) {
                    return new ObjectMapper().readTree(new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tarball, e);
        }
        throw new IllegalStateException(tarball + " holds no " + SCHEMA_ENTRY);
    }

    private static void assertDraft07(JsonNode schemaJson) {
        String declared = schemaJson.path("$schema").asText();
        if (!declared.replaceFirst("^https?://", "").replaceFirst("#$", "").equals("json-schema.org/draft-07/schema")) {
            throw new IllegalStateException("the compose schema declares " + declared + ", not draft-07");
        }
    }

    private static Path tarball() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "compose-schema");
        Path tarball = dir.resolve(TARBALL);
        if (Files.isRegularFile(tarball) && sha512(tarball).equals(TARBALL_SHA512)) {
            return tarball;
        }
        Optional<Path> npm = Npm.find();
        Assumptions.assumeTrue(npm.isPresent(),
                "npm is not installed, so the Compose Specification schema (" + NPM_PACKAGE + ") cannot be fetched: skipped");
        try {
            // Packed into a directory of its own, then moved: a concurrent run never reads half a file.
            Path work = Files.createDirectories(dir).resolve("npm-" + ProcessHandle.current().pid());
            Files.createDirectories(work);
            Process npmPack = new ProcessBuilder(npm.get().toString(), "pack", NPM_PACKAGE, "--silent")
                    .directory(work.toFile()).redirectErrorStream(true).start();
            String output = new String(npmPack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npmPack.waitFor(NPM_TIMEOUT_SECONDS, TimeUnit.SECONDS) || npmPack.exitValue() != 0) {
                npmPack.destroyForcibly();
                throw new IllegalStateException("npm pack " + NPM_PACKAGE + " failed:\n" + output);
            }
            Path packed = work.resolve(TARBALL);
            String digest = sha512(packed);
            if (!digest.equals(TARBALL_SHA512)) {
                throw new IllegalStateException("npm pack " + NPM_PACKAGE + " gave a tarball with sha512 " + digest
                        + ", not the published " + TARBALL_SHA512);
            }
            Files.move(packed, tarball, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(work);
            return tarball;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch " + NPM_PACKAGE + " with npm", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching " + NPM_PACKAGE, e);
        }
    }

    private static String sha512(Path file) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
