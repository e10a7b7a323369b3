package io.mosaic.platform.lifecycle;

import java.time.Duration;
import java.util.Optional;

/**
 * Asking again until the answer comes: the one polling loop. A look runs at once, then every
 * {@code every}, until it answers or {@code limit} has passed; a look may throw, which ends the
 * wait with that exception (catch inside the look to ask again instead).
 *
 * <pre>{@code
 * Poll.until(Duration.ofSeconds(30), Duration.ofMillis(100), () -> group.members() == 3, "three members in the group");
 * }</pre>
 */
public final class Poll {

    /** A yes-or-no look; it may block, as the wait itself does. */
    @FunctionalInterface
    public interface Check<E extends Exception> {
        boolean holds() throws E, InterruptedException;
    }

    /** A look that finds a value, or nothing yet; it may block, as the wait itself does. */
    @FunctionalInterface
    public interface Look<T, E extends Exception> {
        Optional<T> find() throws E, InterruptedException;
    }

    private Poll() {
    }

    /** The first value {@code look} finds; empty when it has found none by {@code limit}. */
    public static <T, E extends Exception> Optional<T> find(Duration limit, Duration every, Look<T, E> look)
            throws E, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Optional<T> found = look.find();
            if (found.isPresent() || System.nanoTime() - deadline > 0) {
                return found;
            }
            Thread.sleep(every.toMillis());
        }
    }

    /** Whether {@code check} held by {@code limit}. */
    public static <E extends Exception> boolean within(Duration limit, Duration every, Check<E> check) throws E, InterruptedException {
        return find(limit, every, () -> check.holds() ? Optional.of(Boolean.TRUE) : Optional.empty()).isPresent();
    }

    /** Returns once {@code check} holds; throws {@link IllegalStateException} naming {@code what} if it has not by {@code limit}. */
    public static <E extends Exception> void until(Duration limit, Duration every, Check<E> check, String what)
            throws E, InterruptedException {
        if (!within(limit, every, check)) {
            throw new IllegalStateException("waited " + readable(limit) + " for " + what);
        }
    }

    /** {@code limit} as people read it: "90 s", "500 ms". */
    static String readable(Duration limit) {
        return limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms";
    }
}
