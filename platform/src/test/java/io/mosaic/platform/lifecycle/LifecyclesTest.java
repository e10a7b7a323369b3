package io.mosaic.platform.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LifecyclesTest {

    private final List<String> events = new CopyOnWriteArrayList<>();

    /** A part whose start waits until every part of its group has begun starting; it writes what it does to {@code events}. */
    private record Part(String name, CountDownLatch allStarting, RuntimeException failure, List<String> events) implements Lifecycle {

        @Override
        public void start() throws Exception {
            allStarting.countDown();
            if (!allStarting.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " started alone: the others waited for it");
            }
            if (failure != null) {
                throw failure;
            }
            events.add("started " + name);
        }

        @Override
        public void stop() {
            events.add("stopped " + name);
        }
    }

    private Part part(String name, CountDownLatch allStarting, RuntimeException failure) {
        return new Part(name, allStarting, failure, events);
    }

    @Test
    @Timeout(20)
    void partsStartedTogetherStartAtTheSameTime() throws Exception {
        CountDownLatch allStarting = new CountDownLatch(3);
        try (Lifecycles parts = new Lifecycles()) {
            parts.startTogether(part("a", allStarting, null), part("b", allStarting, null), part("c", allStarting, null));
            assertThat(events).containsExactlyInAnyOrder("started a", "started b", "started c");
        }
        assertThat(events).filteredOn(e -> e.startsWith("stopped")).hasSize(3);
    }

    @Test
    @Timeout(20)
    void aFailureIsThrownOnceAllHaveFinishedStartingAndTheOthersAreStoppedOnClose() {
        CountDownLatch allStarting = new CountDownLatch(3);
        Lifecycles parts = new Lifecycles();
        assertThatThrownBy(() -> parts.startTogether(part("a", allStarting, null),
                part("b", allStarting, new IllegalStateException("b cannot start")), part("c", allStarting, null)))
                .isInstanceOf(IllegalStateException.class).hasMessage("b cannot start");
        assertThat(events).contains("started a", "started c", "stopped b");
        parts.close();
        assertThat(events).contains("stopped a", "stopped c");
    }

    @Test
    void partsStartedOneByOneStopInReverseOrder() throws Exception {
        try (Lifecycles parts = new Lifecycles()) {
            parts.start(part("first", new CountDownLatch(1), null));
            parts.start(part("second", new CountDownLatch(1), null));
        }
        assertThat(events).containsExactly("started first", "started second", "stopped second", "stopped first");
    }

    @Test
    void nothingStartsOnceClosed() {
        Lifecycles parts = new Lifecycles();
        parts.close();
        assertThatThrownBy(() -> parts.start(part("late", new CountDownLatch(1), null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("late");
        assertThat(events).isEmpty();
    }
}
