package io.mosaic.dashboard.jobs;

/** Jobs as the dashboard's tests need them. */
public final class TestJobs {

    private TestJobs() {
    }

    /**
     * A job of ten tasks from {@code file:/photos/<id>/}, {@code done} of them succeeded, two at
     * the workers, last updated and last moved at {@code resultAt}.
     */
    public static JobProgress job(String id, String state, int done, long resultAt) {
        return new JobProgress(id, state, "file:/photos/" + id + "/", 10, done, 0, 0, 0, null, resultAt, null, "NORMAL", 0, 2, null, resultAt);
    }
}
