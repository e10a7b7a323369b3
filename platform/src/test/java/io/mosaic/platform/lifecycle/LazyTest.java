package io.mosaic.platform.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LazyTest {

    @Test
    void makesNothingUntilAskedAndThenOnceAmongManyThreads() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Lazy<Object> lazy = Lazy.of(() -> {
            made.incrementAndGet();
            return new Object();
        });
        assertThat(made).hasValue(0);
        assertThat(lazy.take()).isEmpty();

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Object>> got = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                got.add(pool.submit(() -> {
                    go.await();
                    return lazy.get();
                }));
            }
            go.countDown();
            Object first = got.get(0).get(10, TimeUnit.SECONDS);
            for (Future<Object> f : got) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(first);
            }
            assertThat(made).hasValue(1);
            assertThat(lazy.take()).containsSame(first);
            assertThat(lazy.get()).isNotSameAs(first);
            assertThat(made).hasValue(2);
        } finally {
            pool.shutdownNow();
        }
    }
}
