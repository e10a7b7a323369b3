package io.mosaic.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TopicAdminTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("a broker that does not know the new topic yet",
                        wrapped(new UnknownTopicOrPartitionException("mosaic.jobs")), true),
                Arguments.of("a controller moving", wrapped(new NotControllerException("moved")), true),
                Arguments.of("no answer in time", new IllegalStateException("slow", new java.util.concurrent.TimeoutException()), true),
                Arguments.of("Kafka's own timeout", wrapped(new org.apache.kafka.common.errors.TimeoutException("t")), true),
                Arguments.of("more replicas than brokers", wrapped(new InvalidReplicationFactorException("3 > 1")), false),
                Arguments.of("not allowed", wrapped(new TopicAuthorizationException("no")), false),
                Arguments.of("no cause at all", new IllegalStateException("plain"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void onlyTransientFailuresAreRetried(String what, Throwable failure, boolean retried) {
        assertThat(TopicAdmin.retriable(failure)).isEqualTo(retried);
    }

    private static Throwable wrapped(Throwable cause) {
        return new IllegalStateException("cannot create topic", new ExecutionException(cause));
    }
}
