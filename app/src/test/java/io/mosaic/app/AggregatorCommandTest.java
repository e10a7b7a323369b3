package io.mosaic.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.streams.JobAggregator;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AggregatorCommandTest {

    @ParameterizedTest
    @CsvSource({
            "http://aggregator-1:7072,  0.0.0.0,    7072,  http://aggregator-1:7072",
            "' http://10.0.0.5:9000 ',  127.0.0.1,  7072,  http://10.0.0.5:9000",
            ",                          127.0.0.1,  7072,  http://127.0.0.1:7072",
            ",                          127.0.0.1,  41234, http://127.0.0.1:41234",
            ",                          ::1,        7072,  http://[::1]:7072",
    })
    void advertisesTheConfiguredUrlElseTheBindAddressAndBoundPort(String configured, String bind, int port, String expected) {
        String url = AggregatorCommand.advertisedUrl(configured, bind, port);

        assertThat(url).isEqualTo(expected);
        assertThat(JobAggregator.hostInfo(url).port()).isEqualTo(Integer.parseInt(expected.substring(expected.lastIndexOf(':') + 1)));
    }

    @ParameterizedTest
    @CsvSource({"0.0.0.0", "::"})
    void boundToEveryInterfaceItAdvertisesTheHostName(String bind) throws Exception {
        assertThat(AggregatorCommand.advertisedUrl(null, bind, 7072))
                .isEqualTo("http://" + InetAddress.getLocalHost().getHostName() + ":7072");
    }
}
