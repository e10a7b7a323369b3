package io.mosaic.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A small client for Confluent's schema-registry REST API, enough for the Avro serde and for
 * operators: register, look up, fetch by id, test compatibility, read and set the compatibility
 * rule. It works against Confluent's server and against any server that speaks the same API
 * (Apicurio's {@code /apis/ccompat/v7}). Schemas by id and ids by (subject, schema) are cached:
 * both never change once assigned, so the serde asks the server once per schema.
 */
public final class SchemaRegistryClient implements SchemaRegistry {

    /** Registrations of one schema before a 409 that no look-up explains is taken for an incompatibility. */
    private static final int RACE_ATTEMPTS = 3;

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json";

    private final String baseUrl;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    public SchemaRegistryClient(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(30));
    }

    public SchemaRegistryClient(String baseUrl, Duration requestTimeout) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        URI parsed = URI.create(baseUrl);
        if (parsed.getScheme() == null || !parsed.getScheme().startsWith("http")) {
            throw new IllegalArgumentException("schema registry URL must be http(s)://host:port[/path], got '" + baseUrl + "'");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * {@code POST /subjects/{subject}/versions}: registers, or returns the id already assigned.
     * Apicurio also answers 409 when another client registers the same new schema at the same
     * moment: a 409 is first checked by looking the schema up, and retried a few times, before it
     * is taken for an incompatibility.
     */
    @Override
    public int register(String subject, Schema schema) {
        Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
        if (cached != null) {
            return cached;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return post(subject, schema);
            } catch (IncompatibleSchemaException e) {
                Optional<RegisteredSchema> registered = lookup(subject, schema);
                if (registered.isPresent()) {
                    return registered.get().id();
                }
                if (attempt == RACE_ATTEMPTS) {
                    throw e;
                }
                pause(50L << attempt);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while registering a schema", -1, -1);
        }
    }

    private int post(String subject, Schema schema) {
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema), subject);
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("registry answered without an id when registering under " + subject + ": " + answer, 200, -1);
        }
        remember(subject, schema, id);
        return id;
    }

    /** {@code GET /schemas/ids/{id}}. */
    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null, "schema id " + id);
        Schema schema = parse(answer.path("schema").asText(), "schema id " + id);
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    /** {@code POST /subjects/{subject}}: the id and version of {@code schema} under {@code subject}, if registered. */
    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        try {
            JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema), subject);
            int id = answer.path("id").asInt();
            remember(subject, schema, id);
            return Optional.of(new RegisteredSchema(subject, id, answer.path("version").asInt(), schema));
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * {@code POST /compatibility/subjects/{subject}/versions/latest}. A subject with no versions
     * yet accepts any schema.
     */
    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(schema), subject);
            return answer.path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return true;
            }
            throw e;
        }
    }

    /** {@code GET /config}: the global compatibility rule, e.g. BACKWARD. */
    public String compatibility() {
        JsonNode answer = send("GET", "/config", null, "global config");
        JsonNode level = answer.has("compatibilityLevel") ? answer.get("compatibilityLevel") : answer.path("compatibility");
        return level.asText();
    }

    /** {@code PUT /config}: sets the global compatibility rule (NONE, BACKWARD, FORWARD, FULL, or *_TRANSITIVE). */
    public void setCompatibility(String level) {
        ObjectNode body = json.createObjectNode().put("compatibility", level);
        send("PUT", "/config", body.toString(), "global config");
    }

    private void remember(String subject, Schema schema, int id) {
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    private String schemaBody(Schema schema) {
        return json.createObjectNode().put("schema", schema.toString()).toString();
    }

    private Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw new SchemaRegistryException("registry returned a schema for " + what + " that is not valid Avro: " + e.getMessage(), e);
        }
    }

    private JsonNode send(String method, String path, String body, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(requestTimeout)
                .header("Accept", ACCEPT);
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SchemaRegistryUnavailableException("schema registry at " + baseUrl + " is unreachable (" + method + " " + path + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while calling the schema registry", e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            try {
                return response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
            } catch (IOException e) {
                throw new SchemaRegistryException("schema registry answered " + method + " " + path + " with a body that is not JSON: " + abbreviate(response.body()), e);
            }
        }
        if (status >= 500) {
            throw new SchemaRegistryUnavailableException("schema registry at " + baseUrl + " answered " + method + " " + path
                    + " with HTTP " + status + ": " + abbreviate(response.body()), status);
        }
        throw error(status, response.body(), method, path, what);
    }

    private SchemaRegistryException error(int status, String body, String method, String path, String what) {
        int code = -1;
        String message = abbreviate(body);
        try {
            JsonNode node = json.readTree(body);
            code = node.path("error_code").asInt(-1);
            if (node.hasNonNull("message")) {
                message = node.get("message").asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // Keep the raw body as the message.
        }
        if (status == 409 || code == SchemaRegistryException.INCOMPATIBLE_SCHEMA) {
            return new IncompatibleSchemaException("schema is incompatible with the latest registered for " + what
                    + " (HTTP " + status + (code > 0 ? ", error " + code : "") + "): " + message, status, code);
        }
        String kind = switch (code) {
            case SchemaRegistryException.SUBJECT_NOT_FOUND -> "subject not found";
            case SchemaRegistryException.VERSION_NOT_FOUND -> "version not found";
            case SchemaRegistryException.SCHEMA_NOT_FOUND -> "schema not found";
            case SchemaRegistryException.INVALID_SCHEMA -> "invalid schema";
            default -> status == 404 ? "not found" : status == 422 ? "invalid request" : "request failed";
        };
        return new SchemaRegistryException("schema registry: " + kind + " for " + what + " (" + method + " " + path
                + " -> HTTP " + status + (code > 0 ? ", error " + code : "") + "): " + message, status, code);
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        return body.length() > 500 ? body.substring(0, 500) + "..." : body;
    }
}
