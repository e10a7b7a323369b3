package io.mosaic.producers.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mosaic.schemas.JobPriority;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import io.mosaic.platform.s3.S3Uri;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /jobs}: {@code {"source": "<directory path, file: URI or s3://bucket/prefix>",
 * "jobId": "<optional>", "priority": "high|normal|batch (optional)"}}, or {@code "urls": [...]}
 * (http(s):// and s3:// URIs of single images) in place of {@code source}.
 * {@link #parse} checks its form only (no disk or network access); whether the source exists and
 * may be submitted is the service's check.
 *
 * @param directory the absolute directory to submit, or null
 * @param s3 the {@code s3://bucket/prefix} to submit, or null
 * @param urls the image URIs to submit, or null
 * @param jobId the job id asked for, or null to derive it from the source
 * @param priority the job's share of the workers; NORMAL unless asked
 */
record JobRequest(Path directory, String s3, List<String> urls, String jobId, JobPriority priority) {

    static final String EXAMPLE = "{\"source\": \"/path/to/images\"}";
    /**
     * A job id names a report file and is a segment of the job's URL, so it keeps to characters
     * that are safe in both.
     */
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*");
    private static final Set<String> FIELDS = Set.of("source", "urls", "jobId", "priority");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @throws IllegalArgumentException with a message for the caller (answered 400) when the body
     *     is not such a JSON object
     */
    static JobRequest parse(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw new IllegalArgumentException("the request body must be a JSON object such as " + EXAMPLE);
        }
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request body is not valid JSON (" + e.getOriginalMessage()
                    + "); send an object such as " + EXAMPLE);
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("the request body must be a JSON object such as " + EXAMPLE);
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name
                        + "'; a job request has 'source' (or 'urls') and, optionally, 'jobId' and 'priority'");
            }
        }
        JsonNode source = json.get("source");
        JsonNode urls = json.get("urls");
        if (urls != null && !urls.isNull()) {
            if (source != null && !source.isNull()) {
                throw new IllegalArgumentException("give either 'source' or 'urls', not both");
            }
            return new JobRequest(null, null, urls(urls), jobId(json.get("jobId")), priority(json.get("priority")));
        }
        if (source != null && source.isTextual() && S3Uri.isS3(source.textValue().trim())) {
            return new JobRequest(null, source.textValue().trim(), null, jobId(json.get("jobId")), priority(json.get("priority")));
        }
        return new JobRequest(directory(source), null, null, jobId(json.get("jobId")), priority(json.get("priority")));
    }

    private static List<String> urls(JsonNode urls) {
        if (!urls.isArray() || urls.isEmpty()) {
            throw new IllegalArgumentException("'urls' must be a non-empty array of http://, https:// or s3:// URIs of images");
        }
        List<String> list = new ArrayList<>(urls.size());
        for (JsonNode url : urls) {
            if (!url.isTextual()) {
                throw new IllegalArgumentException("'urls' must hold strings only, got " + url);
            }
            list.add(url.textValue());
        }
        return list;
    }

    private static Path directory(JsonNode source) {
        if (source == null || source.isNull()) {
            throw new IllegalArgumentException("missing field 'source': the directory of images (an absolute path or a file: URI)"
                    + " or s3://bucket/prefix, as in " + EXAMPLE + "; or 'urls', a list of image URIs");
        }
        if (!source.isTextual()) {
            throw new IllegalArgumentException("'source' must be a string: an absolute directory path or a file: URI");
        }
        String value = source.textValue().trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("'source' must not be blank: give an absolute directory path or a file: URI");
        }
        Path path;
        if (value.regionMatches(true, 0, "file:", 0, 5)) {
            try {
                path = Path.of(new URI(value));
            } catch (Exception e) {
                throw new IllegalArgumentException("'source' is not a usable file: URI (" + e.getMessage() + "): " + value);
            }
        } else if (SCHEME.matcher(value).matches()) {
            throw new IllegalArgumentException("'source' must be a directory on the jobs API's file system (a path or a file: URI)"
                    + " or s3://bucket/prefix, got " + value + "; list single images' URIs in 'urls'");
        } else {
            try {
                path = Path.of(value);
            } catch (Exception e) {
                throw new IllegalArgumentException("'source' is not a usable path (" + e.getMessage() + "): " + value);
            }
        }
        if (!path.isAbsolute()) {
            // Relative to what? The jobs API's working directory means nothing to its callers.
            throw new IllegalArgumentException("'source' must be an absolute path, got " + value);
        }
        return path.normalize();
    }

    private static JobPriority priority(JsonNode priority) {
        if (priority == null || priority.isNull()) {
            return JobPriority.NORMAL;
        }
        if (priority.isTextual()) {
            try {
                return JobPriority.parse(priority.textValue());
            } catch (IllegalArgumentException e) {
                // answered below, with the value as sent
            }
        }
        throw new IllegalArgumentException("'priority' must be \"high\", \"normal\" or \"batch\", got " + priority);
    }

    private static String jobId(JsonNode jobId) {
        if (jobId == null || jobId.isNull()) {
            return null;
        }
        if (!jobId.isTextual() || !JOB_ID.matcher(jobId.textValue()).matches()) {
            throw new IllegalArgumentException("'jobId' must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit; got "
                    + jobId);
        }
        return jobId.textValue();
    }
}
