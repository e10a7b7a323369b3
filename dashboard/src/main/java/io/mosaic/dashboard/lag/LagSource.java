package io.mosaic.dashboard.lag;

import java.time.Duration;

/** Where the web server gets lag from: the latest report, the histories, and how often they change. */
public interface LagSource {

    LagReport current();

    LagEvaluator evaluator();

    Duration interval();
}
