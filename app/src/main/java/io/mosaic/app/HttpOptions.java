package io.mosaic.app;

import io.mosaic.platform.http.HttpService;
import picocli.CommandLine.Option;

/** Where a service's HTTP endpoints listen. Loopback unless told otherwise. */
final class HttpOptions {

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address of the HTTP endpoints (/health and the service's own). Default: ${DEFAULT-VALUE}; 0.0.0.0 in containers.")
    String bind;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port of the HTTP endpoints; 0 picks a free one.")
    Integer port;

    HttpService http(String service, int defaultPort) {
        int p = port != null ? port : defaultPort;
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("--http-port must be between 0 and 65535, got " + p);
        }
        return new HttpService(service, bind, p);
    }
}
