package io.mosaic.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class AcknowledgementsTest {

    private static final RecordMetadata SENT = new RecordMetadata(new TopicPartition("t", 0), 0, 0, 0, 1, 1);

    @Test
    void countsAcknowledgementsAndThrowsNothingWhenEverySendSucceeded() {
        List<Integer> seen = new ArrayList<>();
        Acknowledgements acks = new Acknowledgements(seen::add);

        for (int i = 0; i < 3; i++) {
            acks.onCompletion(SENT, null);
        }
        acks.throwIfFailed("sending three");

        assertThat(acks.acknowledged()).isEqualTo(3);
        assertThat(seen).containsExactly(1, 2, 3);
    }

    @Test
    void keepsTheFirstFailureAndSaysHowFarTheSendsGot() {
        Acknowledgements acks = new Acknowledgements();
        NotEnoughReplicasException first = new NotEnoughReplicasException("1 in sync, 2 required");

        acks.onCompletion(SENT, null);
        acks.onCompletion(null, first);
        acks.onCompletion(SENT, null);
        acks.onCompletion(null, new TimeoutException("later"));

        assertThat(acks.acknowledged()).isEqualTo(2);
        assertThatThrownBy(() -> acks.throwIfFailed("publishing the tasks of job j"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("publishing the tasks of job j failed after 2 acknowledged record(s): 1 in sync, 2 required")
                .hasCause(first);
    }
}
