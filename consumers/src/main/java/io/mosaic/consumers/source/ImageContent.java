package io.mosaic.consumers.source;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An image's bytes as a source hands them over: a local file is passed by path so the analyzer reads it
 * itself, within its byte limit; a download is already in memory, read up to the same limit.
 */
public sealed interface ImageContent permits ImageContent.LocalFile, ImageContent.Downloaded {

    /** A file inside the allowed roots, as its real path (symbolic links resolved). */
    record LocalFile(Path path) implements ImageContent {
        public LocalFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** The body of a successful download. */
    record Downloaded(byte[] bytes) implements ImageContent {
        public Downloaded {
            Objects.requireNonNull(bytes, "bytes");
        }
    }
}
