package io.mosaic.schemas;

/**
 * How a cancelled job's remaining tasks are answered: a worker that knows the job is cancelled
 * publishes a FAILED {@link ImageResult} with the error {@value #ERROR} instead of analysing the
 * image, so the job's counts still add up to its task count. Such a result also says that the job
 * was cancelled: whoever reads it may know that before the cancelling job record reaches them.
 */
public final class Cancellation {

    /** The error of a result that answers a task of a cancelled job. */
    public static final String ERROR = "job cancelled";

    private Cancellation() {
    }

    /** Whether {@code result} answers a task of a cancelled job without analysing it. */
    public static boolean answers(ImageResult result) {
        return result.getStatus() == ResultStatus.FAILED && ERROR.equals(result.getError());
    }
}
