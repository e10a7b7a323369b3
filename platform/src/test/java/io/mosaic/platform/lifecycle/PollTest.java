package io.mosaic.platform.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {

    private static final Duration EVERY = Duration.ofMillis(1);

    @Test
    void findsTheFirstValueAndLooksNoMore() throws Exception {
        AtomicInteger looks = new AtomicInteger();

        Optional<Integer> found = Poll.find(Duration.ofSeconds(10), EVERY,
                () -> looks.incrementAndGet() < 3 ? Optional.empty() : Optional.of(looks.get()));

        assertThat(found).contains(3);
        assertThat(looks).hasValue(3);
    }

    @Test
    void aCheckThatNeverHoldsIsLookedAtOnceMoreAtTheLimitThenGivenUp() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        long start = System.nanoTime();

        boolean held = Poll.within(Duration.ofMillis(50), Duration.ofMillis(10), () -> looks.incrementAndGet() < 0);

        assertThat(held).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
        assertThat(looks.get()).isBetween(2, 7);
    }

    @Test
    void untilNamesWhatItWaitedFor() {
        assertThatThrownBy(() -> Poll.until(Duration.ofMillis(20), EVERY, () -> false, "the group to settle"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("waited 20 ms for the group to settle");
        assertThatThrownBy(() -> Poll.until(Duration.ofSeconds(0), EVERY, () -> false, "nothing"))
                .hasMessage("waited 0 s for nothing");
    }

    @Test
    void aLookThatThrowsEndsTheWaitWithItsOwnException() {
        IOException gone = new IOException("the server exited");

        assertThatThrownBy(() -> Poll.within(Duration.ofSeconds(10), EVERY, () -> {
            throw gone;
        })).isSameAs(gone);
    }
}
