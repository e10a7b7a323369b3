package io.mosaic.consumers.source;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body collected into memory, at most {@code maxBytes} of it: a body that declares or turns
 * out to be longer is refused as soon as that is known, and the download is cancelled, so a huge or
 * endless body never costs more than the limit.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

    private final long maxBytes;
    private final long declaredLength;
    private final String what;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private byte[] buffer;
    private int size;

    /** {@code declaredLength}: the Content-Length, or -1 when the server did not say. */
    BoundedBody(long maxBytes, long declaredLength, String what) {
        this.maxBytes = maxBytes;
        this.declaredLength = declaredLength;
        this.what = what;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (declaredLength > maxBytes) {
            refuse("declares " + declaredLength + " bytes");
            return;
        }
        // Sized from Content-Length when it is given, so an honest body is copied once.
        buffer = new byte[(int) Math.max(0, declaredLength)];
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            int n = item.remaining();
            if ((long) size + n > maxBytes) {
                refuse("is longer than that");
                return;
            }
            if (size + n > buffer.length) {
                long grown = Math.max((long) size + n, Math.min(maxBytes, 2L * buffer.length + 8192));
                buffer = Arrays.copyOf(buffer, (int) grown);
            }
            item.get(buffer, size, n);
            size += n;
        }
    }

    @Override
    public void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        if (!body.isDone()) {
            body.complete(size == buffer.length ? buffer : Arrays.copyOf(buffer, size));
        }
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    private void refuse(String detail) {
        body.completeExceptionally(new SourceException(
                "download over the limit of " + maxBytes + " bytes: " + what + " " + detail));
        subscription.cancel();
    }
}
