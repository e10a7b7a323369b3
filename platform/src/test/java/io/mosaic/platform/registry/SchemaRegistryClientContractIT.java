package io.mosaic.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.schemas.ImageTask;
import io.mosaic.schemas.registry.IncompatibleSchemaException;
import io.mosaic.schemas.registry.RegisteredSchema;
import io.mosaic.schemas.registry.SchemaRegistryClient;
import io.mosaic.schemas.registry.SchemaRegistryException;
import io.mosaic.schemas.serde.AvroSerde;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.Set;
import java.util.List;
import java.util.HashSet;
import java.util.ArrayList;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mosaic's own registry client and serde against a real server speaking Confluent's API. Each
 * test uses its own subjects, so they share one server. Where a check needs the server's own
 * answer, it asks the server directly over HTTP rather than through the client under test.
 */
class SchemaRegistryClientContractIT {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static EmbeddedSchemaRegistry registry;
    private static String url;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = new EmbeddedSchemaRegistry();
        registry.start();
        url = registry.url();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.stop();
        }
    }

    private static Schema userV1() {
        return SchemaBuilder.record("User").namespace("io.mosaic.contract").fields()
                .requiredString("name")
                .endRecord();
    }

    /** Adds an optional field with a default: readers of v2 can still read v1 data (BACKWARD). */
    private static Schema userV2() {
        return SchemaBuilder.record("User").namespace("io.mosaic.contract").fields()
                .requiredString("name")
                .name("email").type().nullable().stringType().stringDefault(null)
                .endRecord();
    }

    /** Adds a required field without a default: a v3 reader cannot read v1 data. */
    private static Schema userWithRequiredAge() {
        return SchemaBuilder.record("User").namespace("io.mosaic.contract").fields()
                .requiredString("name")
                .requiredInt("age")
                .endRecord();
    }

    /** Changes the type of an existing field. */
    private static Schema userWithNumericName() {
        return SchemaBuilder.record("User").namespace("io.mosaic.contract").fields()
                .requiredLong("name")
                .endRecord();
    }

    @Test
    void registeringTheSameSchemaTwiceGivesTheSameId() {
        String subject = "contract-same-twice-value";
        int first = new SchemaRegistryClient(url).register(subject, userV1());
        // A second client has no cache: the server itself must answer with the same id.
        int second = new SchemaRegistryClient(url).register(subject, userV1());

        assertThat(second).isEqualTo(first);
        assertThat(versionsOf(subject)).containsExactly(1);
    }

    @Test
    void theSameSchemaUnderAnotherSubjectKeepsItsId() {
        int underFirst = new SchemaRegistryClient(url).register("contract-shared-a-value", userV1());
        int underSecond = new SchemaRegistryClient(url).register("contract-shared-b-value", userV1());

        assertThat(underSecond).isEqualTo(underFirst);
    }

    @Test
    void schemaFetchedByIdEqualsTheRegisteredOne() {
        int id = new SchemaRegistryClient(url).register("contract-by-id-value", userV2());

        Schema fetched = new SchemaRegistryClient(url).schemaById(id);

        assertThat(fetched).isEqualTo(userV2());
        assertThat(fetched.getField("email").defaultVal()).isEqualTo(userV2().getField("email").defaultVal());
    }

    @Test
    void lookupFindsIdAndVersionOfARegisteredSchemaOnly() {
        String subject = "contract-lookup-value";
        int id = new SchemaRegistryClient(url).register(subject, userV1());
        SchemaRegistryClient client = new SchemaRegistryClient(url);

        Optional<RegisteredSchema> found = client.lookup(subject, userV1());
        assertThat(found).isPresent();
        assertThat(found.get().id()).isEqualTo(id);
        assertThat(found.get().version()).isEqualTo(1);
        assertThat(found.get().subject()).isEqualTo(subject);

        assertThat(client.lookup(subject, userV2())).isEmpty();
        assertThat(client.lookup("contract-no-such-subject-value", userV1())).isEmpty();
    }

    @Test
    void backwardCompatibleChangeIsAcceptedAsANewVersion() {
        String subject = "contract-evolve-value";
        SchemaRegistryClient client = new SchemaRegistryClient(url);
        int v1 = client.register(subject, userV1());

        assertThat(client.isCompatible(subject, userV2())).isTrue();
        int v2 = client.register(subject, userV2());

        assertThat(v2).isNotEqualTo(v1);
        RegisteredSchema found = new SchemaRegistryClient(url).lookup(subject, userV2()).orElseThrow();
        assertThat(found.id()).isEqualTo(v2);
        assertThat(found.version()).isEqualTo(2);
        assertThat(versionsOf(subject)).containsExactly(1, 2);
    }

    @Test
    void anySchemaIsCompatibleWithASubjectThatHasNoVersions() {
        assertThat(new SchemaRegistryClient(url).isCompatible("contract-empty-value", userWithRequiredAge())).isTrue();
    }

    @Test
    void newRequiredFieldWithoutDefaultIsRefusedWithTheServersReason() throws Exception {
        assertRefusedAsIncompatible("contract-required-field-value", userWithRequiredAge());
    }

    @Test
    void changedFieldTypeIsRefusedWithTheServersReason() throws Exception {
        assertRefusedAsIncompatible("contract-type-change-value", userWithNumericName());
    }

    private void assertRefusedAsIncompatible(String subject, Schema incompatible) throws Exception {
        SchemaRegistryClient client = new SchemaRegistryClient(url);
        client.register(subject, userV1());
        assertThat(client.isCompatible(subject, incompatible)).isFalse();

        // What the server itself says to this registration; a refused registration changes nothing.
        HttpResponse<String> raw = post("/subjects/" + subject + "/versions", incompatible);
        assertThat(raw.statusCode()).isEqualTo(409);
        String serverMessage = json.readTree(raw.body()).path("message").asText();
        assertThat(serverMessage).isNotBlank();

        IncompatibleSchemaException refused = catchThrowableOfType(IncompatibleSchemaException.class,
                () -> client.register(subject, incompatible));

        assertThat(refused).isNotNull();
        assertThat(refused.httpStatus()).isEqualTo(409);
        assertThat(refused.getMessage()).contains(subject).contains(serverMessage);
        assertThat(versionsOf(subject)).containsExactly(1);
    }

    @Test
    void unknownSchemaIdIsNotFound() {
        SchemaRegistryException missing = catchThrowableOfType(SchemaRegistryException.class,
                () -> new SchemaRegistryClient(url).schemaById(987_654));

        assertThat(missing).isNotNull().isNotInstanceOf(IncompatibleSchemaException.class);
        assertThat(missing.httpStatus()).isEqualTo(404);
        assertThat(missing.isNotFound()).isTrue();
        assertThat(missing.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
        assertThat(missing.getMessage()).contains("987654");
    }

    @Test
    void globalCompatibilityStartsBackwardAndCanBeChanged() throws Exception {
        SchemaRegistryClient client = new SchemaRegistryClient(url);
        assertThat(client.compatibility()).isEqualTo("BACKWARD");
        try {
            client.setCompatibility("FULL");

            assertThat(client.compatibility()).isEqualTo("FULL");
            assertThat(getJson("/config").path("compatibilityLevel").asText()).isEqualTo("FULL");
        } finally {
            client.setCompatibility("BACKWARD");
        }
        assertThat(getJson("/config").path("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    }

    @Test
    void serdeRoundTripsAGeneratedRecordInTheWireFormat() throws Exception {
        String topic = "contract.image-tasks";
        ImageTask task = ImageTask.newBuilder()
                .setTaskId("task-1")
                .setJobId("job-1")
                .setUri("file:/images/a.png")
                .setSubmittedAt(Instant.ofEpochMilli(1_700_000_000_123L))
                .build();
        AvroSerde<ImageTask> writerSide = new AvroSerde<>(new SchemaRegistryClient(url), ImageTask.class);

        byte[] bytes = writerSide.serializer().serialize(topic, task);

        JsonNode latest = getJson("/subjects/" + topic + "-value/versions/latest");
        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(latest.path("id").asInt(-1));
        assertThat(new Schema.Parser().parse(latest.path("schema").asText())).isEqualTo(ImageTask.getClassSchema());

        // A reader with its own client learns the writer's schema from the server, by id.
        AvroSerde<ImageTask> readerSide = new AvroSerde<>(new SchemaRegistryClient(url), ImageTask.class);
        assertThat(readerSide.deserializer().deserialize(topic, bytes)).isEqualTo(task);
    }

    private int[] versionsOf(String subject) {
        try {
            JsonNode versions = getJson("/subjects/" + subject + "/versions");
            int[] numbers = new int[versions.size()];
            for (int i = 0; i < numbers.length; i++) {
                numbers[i] = versions.get(i).asInt();
            }
            return numbers;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot list the versions of " + subject, e);
        }
    }

    private JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> post(String path, Schema schema) throws IOException, InterruptedException {
        String body = json.createObjectNode().put("schema", schema.toString()).toString();
        return http.send(HttpRequest.newBuilder(URI.create(url + path))
                        .header("Content-Type", CONTENT_TYPE)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void clientsRegisteringTheSameNewSchemaAtOnceAllGetItsIdAndNoneCallsItIncompatible() throws Exception {
        // Apicurio answers 409 to all but one of several registrations of one new schema racing
        // each other: the race, not an incompatibility. Every client must end with the one id.
        int clients = 8;
        for (int round = 0; round < 5; round++) {
            String subject = "race-" + round + "-value";
            Schema schema = SchemaBuilder.record("Race" + round).namespace("io.mosaic.contract").fields()
                    .requiredString("name").endRecord();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> ids = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    SchemaRegistryClient client = new SchemaRegistryClient(url);
                    ids.add(pool.submit(() -> {
                        go.await();
                        return client.register(subject, schema);
                    }));
                }
                go.countDown();
                Set<Integer> distinct = new HashSet<>();
                for (Future<Integer> id : ids) {
                    distinct.add(id.get(60, TimeUnit.SECONDS));
                }
                assertThat(distinct).as("ids given to %d racing clients", clients).hasSize(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
