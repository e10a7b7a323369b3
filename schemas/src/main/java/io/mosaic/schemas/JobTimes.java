package io.mosaic.schemas;

/**
 * Where a job's time went, from its summary: listing its source once in the submitter, then per
 * image on average getting it from its source (retries and their waits included), decoding it and
 * measuring it. A slow store shows as a fetch time far above the other two. The report and the
 * dashboard both show this.
 *
 * @param listingMs the submitter's count of the source (a directory walk, a bucket's pages)
 * @param fetchMs mean time to get an image, in milliseconds
 * @param decodeMs mean time to decode one, in milliseconds
 * @param analysisMs mean time to measure one, in milliseconds
 */
public record JobTimes(long listingMs, double fetchMs, double decodeMs, double analysisMs) {

    public static final JobTimes NONE = new JobTimes(0, 0, 0, 0);

    /** The means over the summary's counted results (none counted: zeros). */
    public static JobTimes of(JobSummary summary) {
        double counted = Math.max(1, summary.getSucceeded() + summary.getFailed());
        return new JobTimes(summary.getListingMs(), summary.getSumFetchMicros() / counted / 1000,
                summary.getSumDecodeMicros() / counted / 1000, summary.getSumAnalysisMicros() / counted / 1000);
    }
}
