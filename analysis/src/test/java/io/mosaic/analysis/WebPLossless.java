package io.mosaic.analysis;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The simplest valid lossless WebP (VP8L) encoder, for tests: no transforms, no back-references, no colour
 * cache, and fixed prefix codes in which every green, red and blue value takes 8 bits and alpha takes none.
 * Files come out larger than the raw pixels, but every decoder must read them exactly. ImageIO has no WebP
 * writer (TwelveMonkeys only decodes WebP), and this avoids a binary fixture.
 *
 * <p>Bitstream layout from the WebP Lossless Bitstream Specification (RFC 9649).
 */
final class WebPLossless {

    /** Order in which the code-length code's own lengths are stored (RFC 9649, section 3.7.2.1.2). */
    private static final int[] CODE_LENGTH_ORDER = {17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

    private WebPLossless() {
    }

    static byte[] encode(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        if (width > 16384 || height > 16384) {
            throw new IllegalArgumentException("VP8L holds at most 16384 x 16384 pixels");
        }
        Bits bits = new Bits();
        bits.write(0x2f, 8);          // VP8L signature
        bits.write(width - 1, 14);
        bits.write(height - 1, 14);
        bits.write(0, 1);             // alpha_is_used: opaque
        bits.write(0, 3);             // version 0
        bits.write(0, 1);             // no transform
        bits.write(0, 1);             // no colour cache
        bits.write(0, 1);             // one prefix code group for the whole image

        writeAllEightBitCode(bits, 256 + 24); // green: 256 values, then 24 (unused) back-reference lengths
        writeAllEightBitCode(bits, 256);      // red
        writeAllEightBitCode(bits, 256);      // blue
        writeSingleSymbolCode(bits, 255);     // alpha: always opaque, zero bits per pixel
        writeSingleSymbolCode(bits, 0);       // distance: never used

        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int argb : row) {
                writeEightBitSymbol(bits, (argb >> 8) & 0xff);
                writeEightBitSymbol(bits, (argb >> 16) & 0xff);
                writeEightBitSymbol(bits, argb & 0xff);
            }
        }
        return riff(bits.toByteArray());
    }

    /**
     * A "normal" prefix code in which symbols 0..255 have length 8 and the rest length 0. The code lengths
     * are themselves coded with a two-symbol code: length 0 is the bit 0, length 8 the bit 1.
     */
    private static void writeAllEightBitCode(Bits bits, int alphabetSize) {
        bits.write(0, 1);                   // normal, not simple, code
        int stored = 12;                    // up to and including length 8 in CODE_LENGTH_ORDER
        bits.write(stored - 4, 4);
        for (int i = 0; i < stored; i++) {
            int symbol = CODE_LENGTH_ORDER[i];
            bits.write(symbol == 0 || symbol == 8 ? 1 : 0, 3);
        }
        bits.write(0, 1);                   // lengths given for the whole alphabet
        for (int symbol = 0; symbol < alphabetSize; symbol++) {
            bits.write(symbol < 256 ? 1 : 0, 1);
        }
    }

    /** A "simple" prefix code with one symbol, which costs no bits when used. */
    private static void writeSingleSymbolCode(Bits bits, int symbol) {
        bits.write(1, 1);                   // simple code
        bits.write(0, 1);                   // one symbol
        if (symbol < 2) {
            bits.write(0, 1);
            bits.write(symbol, 1);
        } else {
            bits.write(1, 1);
            bits.write(symbol, 8);
        }
    }

    /**
     * With 256 symbols of length 8 the canonical code of a value is the value itself; prefix codes are
     * packed most significant bit first into the least-significant-bit-first stream.
     */
    private static void writeEightBitSymbol(Bits bits, int value) {
        for (int bit = 7; bit >= 0; bit--) {
            bits.write((value >> bit) & 1, 1);
        }
    }

    /**
     * A lossless WebP whose header declares {@code width} x {@code height} pixels (at most 16384 a side)
     * followed by a few bytes of nothing: decoding would need the whole canvas, 4 bytes a pixel.
     */
    static byte[] declaring(int width, int height) {
        int bits = (width - 1) | (height - 1) << 14;
        byte[] vp8l = new byte[32];
        vp8l[0] = 0x2f;
        for (int i = 0; i < 4; i++) {
            vp8l[1 + i] = (byte) (bits >>> (8 * i));
        }
        return riff(vp8l);
    }

    /** {@code vp8l}, a VP8L bitstream, in its RIFF container. */
    static byte[] riff(byte[] vp8l) {
        int padding = vp8l.length % 2;
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        writeLittleEndian(file, 4 + 8 + vp8l.length + padding);
        file.writeBytes("WEBPVP8L".getBytes(StandardCharsets.US_ASCII));
        writeLittleEndian(file, vp8l.length);
        file.writeBytes(vp8l);
        if (padding == 1) {
            file.write(0);
        }
        return file.toByteArray();
    }

    private static void writeLittleEndian(ByteArrayOutputStream out, int value) {
        for (int i = 0; i < 4; i++) {
            out.write((value >>> (8 * i)) & 0xff);
        }
    }

    /** Packs values least significant bit first, as VP8L reads them. */
    private static final class Bits {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private long pending;
        private int pendingBits;

        void write(int value, int count) {
            pending |= (value & ((1L << count) - 1)) << pendingBits;
            pendingBits += count;
            while (pendingBits >= 8) {
                bytes.write((int) (pending & 0xff));
                pending >>>= 8;
                pendingBits -= 8;
            }
        }

        byte[] toByteArray() {
            if (pendingBits > 0) {
                bytes.write((int) (pending & 0xff));
                pending = 0;
                pendingBits = 0;
            }
            return bytes.toByteArray();
        }
    }
}
