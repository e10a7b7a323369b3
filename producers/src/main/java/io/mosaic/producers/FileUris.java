package io.mosaic.producers;

import java.nio.file.Path;

/**
 * The {@code file:} URI of a regular file, exactly as {@link Path#toUri()} writes it, without the
 * {@code stat} that method makes to learn whether the path is a directory (it then appends a
 * slash). A scan already knows its files are regular, and the stat cost more than the rest of
 * building a task. Task ids hash this string, so it must never differ from {@code toUri()}: for
 * any path that is not plain ASCII, it is {@code toUri()}.
 */
final class FileUris {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** The characters {@code toUri()} leaves as they are in a path: RFC 2396's pchar, ';' and '/'. */
    private static final boolean[] PLAIN = new boolean[128];

    static {
        String plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" + "-_.!~*'()" + ":@&=+$," + ";/";
        for (char c : plain.toCharArray()) {
            PLAIN[c] = true;
        }
    }

    private FileUris() {
    }

    /** {@code file.toUri().toString()} for a path known to be a regular file. */
    static String ofRegularFile(Path file) {
        String path = file.toAbsolutePath().toString();
        StringBuilder uri = new StringBuilder(path.length() + 16).append("file://");
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c >= 128 || c == 0) {
                // Bytes of the platform's file-name encoding: leave them to the JDK.
                return file.toUri().toString();
            }
            if (PLAIN[c]) {
                uri.append(c);
            } else {
                uri.append('%').append(HEX[c >> 4]).append(HEX[c & 0x0f]);
            }
        }
        return uri.toString();
    }
}
