package io.mosaic.platform.lifecycle;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A value made on first use and then kept, for clients that start threads or pools: a worker that
 * never reads from S3 starts no S3 client. Safe to share between threads; the value is made once.
 */
public final class Lazy<T> implements Supplier<T> {

    private final Supplier<? extends T> make;
    private volatile T value;

    private Lazy(Supplier<? extends T> make) {
        this.make = Objects.requireNonNull(make, "make");
    }

    public static <T> Lazy<T> of(Supplier<? extends T> make) {
        return new Lazy<>(make);
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = Objects.requireNonNull(make.get(), "made nothing");
                    value = v;
                }
            }
        }
        return v;
    }

    /** The value if it was made, forgotten here so that the caller can close it; the next {@link #get()} makes another. */
    public synchronized Optional<T> take() {
        T v = value;
        value = null;
        return Optional.ofNullable(v);
    }
}
