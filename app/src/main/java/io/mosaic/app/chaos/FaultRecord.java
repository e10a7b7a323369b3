package io.mosaic.app.chaos;

import java.time.Duration;
import java.util.Optional;

/**
 * One injected fault: its kind, and how long until the pipeline was whole again (every worker back
 * in its group, the job's summary moving again, every replica in sync), empty if it was not
 * within {@link FaultInjector#STEP_TIMEOUT}.
 */
public record FaultRecord(FaultKind kind, Optional<Duration> recovery) {
}
