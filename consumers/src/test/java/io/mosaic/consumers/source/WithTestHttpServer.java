package io.mosaic.consumers.source;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Tests against a real HTTP server on loopback, started fresh for each test. */
abstract class WithTestHttpServer {

    protected TestHttpServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = TestHttpServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }
}
