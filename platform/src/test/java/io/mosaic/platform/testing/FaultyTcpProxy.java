package io.mosaic.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a real server that can misbehave on purpose, a connection at a time:
 * answer {@code 503 SlowDown} as S3 does when throttling, or hold a request without answering
 * (a timeout); or relay answers slowly, so that downloads take a while. Bytes are relayed untouched,
 * so signed requests stay valid. For tests.
 */
public final class FaultyTcpProxy implements AutoCloseable {

    private static final String SLOW_DOWN_BODY = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
            + "<Message>Please reduce your request rate.</Message><RequestId>test</RequestId></Error>";

    private final ServerSocket server;
    private final int targetPort;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faulty-proxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger slowDowns = new AtomicInteger();
    private final AtomicInteger hangs = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger relaying = new AtomicInteger();
    private volatile long bytesPerSecond;

    public FaultyTcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** The next {@code count} connections are answered 503 SlowDown and closed. */
    public void slowDown(int count) {
        slowDowns.set(count);
    }

    /** The next {@code count} connections are held, unanswered, until the client gives up. */
    public void hang(int count) {
        hangs.set(count);
    }

    /** Answers reach clients at about this many bytes a second per connection; 0 for full speed. */
    public void throttle(long rate) {
        bytesPerSecond = rate;
    }

    public int connections() {
        return connections.get();
    }

    /** Connections relayed to the server right now. */
    public int relaying() {
        return relaying.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                threads.submit(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            if (slowDowns.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                readHead(client.getInputStream());
                byte[] body = SLOW_DOWN_BODY.getBytes(StandardCharsets.UTF_8);
                OutputStream out = client.getOutputStream();
                out.write(("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                return;
            }
            if (hangs.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                readHead(client.getInputStream());
                // Never answer: the client's timeout ends it.
                client.getInputStream().transferTo(OutputStream.nullOutputStream());
                return;
            }
            relaying.incrementAndGet();
            try (Socket target = new Socket()) {
                target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
                var upstream = threads.submit(() -> pipe(client.getInputStream(), target.getOutputStream(), target, 0));
                pipe(target.getInputStream(), client.getOutputStream(), client, bytesPerSecond);
                upstream.cancel(true);
            } finally {
                relaying.decrementAndGet();
            }
        } catch (IOException e) {
            // The client or the server went away: the proxy lets it.
        }
    }

    private static Void pipe(InputStream in, OutputStream out, Socket to, long rate) {
        try {
            if (rate <= 0) {
                in.transferTo(out);
            } else {
                byte[] chunk = new byte[(int) Math.max(1, Math.min(16_384, rate / 20))];
                for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                    out.write(chunk, 0, n);
                    out.flush();
                    Thread.sleep(Math.max(1, n * 1000L / rate));
                }
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** Reads a request's head (up to the blank line); a GET has no body. */
    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b = in.read(); b >= 0; b = in.read()) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == end.length) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
