package io.mosaic.producers;

import java.util.function.Consumer;

/**
 * What a job is made of: a source the submitter counts first and then walks again, handing over
 * one image URI per task, so that the job's record can promise its count before the first task
 * and no list of a job's images is ever held. A directory ({@link SourceScanner.Scan}), a bucket
 * prefix ({@link S3Listing}) or a list of URIs ({@link UriList}).
 */
public interface JobSource extends AutoCloseable {

    /** The source as the job's record and report name it; the job id derives from it when none is given. */
    String uri();

    /** Images counted; the walk must hand over exactly this many. */
    int imageCount();

    /** Entries that are not images (other files, directory markers), counted and left out. */
    int skipped();

    /** How long counting took (walking the directory, listing the bucket), in milliseconds; 0 when not measured. */
    default long listingMs() {
        return 0;
    }

    /**
     * Hands the URI of every image to {@code action}, in the same order on every walk of an
     * unchanged source.
     */
    void forEachTaskUri(Consumer<String> action);

    /** Lets go of what the count kept (a bucket listing's spool file); nothing by default. */
    @Override
    default void close() {
    }
}
