package io.mosaic.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LengthPrefixedTest {

    @Test
    void readsBackWhatWasWrittenThenNullAtTheEnd() throws Exception {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(framed("first", "", "third")));

        assertThat(new String(LengthPrefixed.read(in), StandardCharsets.UTF_8)).isEqualTo("first");
        assertThat(LengthPrefixed.read(in)).isEmpty();
        assertThat(new String(LengthPrefixed.read(in), StandardCharsets.UTF_8)).isEqualTo("third");
        assertThat(LengthPrefixed.read(in)).isNull();
    }

    @Test
    void aRecordCutShortIsAnEofNotTheEnd() throws Exception {
        byte[] whole = framed("whole", "cut short");
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 3)));

        assertThat(LengthPrefixed.read(in)).asString(StandardCharsets.UTF_8).isEqualTo("whole");
        assertThatThrownBy(() -> LengthPrefixed.read(in)).isInstanceOf(EOFException.class);
    }

    private static byte[] framed(String... records) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (String record : records) {
                LengthPrefixed.write(out, record.getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toByteArray();
    }
}
