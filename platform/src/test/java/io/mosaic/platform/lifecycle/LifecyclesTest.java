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

    /** A part whose start waits until every part of its group has begun starting. */
    private final class Part implements Lifecycle {
        private final String name;
        private final CountDownLatch allStarting;
        private final RuntimeException failure;

        Part(String name, CountDownLatch allStarting, RuntimeException failure) {
            this.name = name;
            this.allStarting = allStarting;
            this.failure = failure;
        }

        @Override
        public String name() {
            return name;
        }

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

    @Test
    @Timeout(20)
    void partsStartedTogetherStartAtTheSameTime() throws Exception {
        CountDownLatch allStarting = new CountDownLatch(3);
        try (Lifecycles parts = new Lifecycles()) {
            parts.startTogether(new Part("a", allStarting, null), new Part("b", allStarting, null), new Part("c", allStarting, null));
            assertThat(events).containsExactlyInAnyOrder("started a", "started b", "started c");
        }
        assertThat(events).filteredOn(e -> e.startsWith("stopped")).hasSize(3);
    }

    @Test
    @Timeout(20)
    void aFailureIsThrownOnceAllHaveFinishedStartingAndTheOthersAreStoppedOnClose() {
        CountDownLatch allStarting = new CountDownLatch(3);
        Lifecycles parts = new Lifecycles();
        assertThatThrownBy(() -> parts.startTogether(new Part("a", allStarting, null),
                new Part("b", allStarting, new IllegalStateException("b cannot start")), new Part("c", allStarting, null)))
                .isInstanceOf(IllegalStateException.class).hasMessage("b cannot start");
        assertThat(events).contains("started a", "started c", "stopped b");
        parts.close();
        assertThat(events).contains("stopped a", "stopped c");
    }

    @Test
    void partsStartedOneByOneStopInReverseOrder() throws Exception {
        try (Lifecycles parts = new Lifecycles()) {
            parts.start(new Part("first", new CountDownLatch(1), null));
            parts.start(new Part("second", new CountDownLatch(1), null));
        }
        assertThat(events).containsExactly("started first", "started second", "stopped second", "stopped first");
    }

    @Test
    void nothingStartsOnceClosed() {
        Lifecycles parts = new Lifecycles();
        parts.close();
        assertThatThrownBy(() -> parts.start(new Part("late", new CountDownLatch(1), null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("late");
        assertThat(events).isEmpty();
    }
}
