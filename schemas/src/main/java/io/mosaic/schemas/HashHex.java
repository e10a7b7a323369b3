package io.mosaic.schemas;

import java.util.HexFormat;

/**
 * 64-bit hashes as they travel in records: 16 lower-case hex digits. Every Confluent client reads
 * a string; JavaScript's Avro reader refuses a {@code long} beyond 2^53, which most 64-bit hashes are.
 */
public final class HashHex {

    private HashHex() {
    }

    public static String of(long hash) {
        return HexFormat.of().toHexDigits(hash);
    }

    /** The hash written as {@code hex}; an {@link IllegalArgumentException} unless it is 16 hex digits. */
    public static long parse(String hex) {
        if (hex == null || hex.length() != 16) {
            throw new IllegalArgumentException("a 64-bit hash is 16 hex digits, got '" + hex + "'");
        }
        return HexFormat.fromHexDigitsToLong(hex);
    }
}
