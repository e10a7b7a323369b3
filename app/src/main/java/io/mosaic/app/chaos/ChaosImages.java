package io.mosaic.app.chaos;

import io.mosaic.analysis.samples.SampleImages;
import io.mosaic.schemas.ResultStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The input of a chaos run: {@code count} small image files in one directory, generated from a
 * seed, and for each file what an exact pipeline must report about it. The truth comes from how
 * the file was made, never from running the analyzer: a scene written by an image encoder is OK,
 * a file that was broken on purpose is FAILED.
 */
public final class ChaosImages {

    /** Every this-many-th file is broken on purpose. */
    static final int BROKEN_EVERY = 20;

    /** Small on purpose: the run is about delivery, so analysis should cost little. */
    private static final int MIN_SIDE = 64;
    private static final int MAX_SIDE = 160;
    private static final String[] FORMATS = {"png", "jpg", "bmp", "gif"};

    /** One input file and what its result must say. */
    public record InputFile(String name, ResultStatus expectedStatus, long bytes) {
    }

    /** The generated directory and the truth about each of its files, by file name. */
    public record InputSet(Path directory, Map<String, InputFile> files) {

        public int count() {
            return files.size();
        }

        public int expected(ResultStatus status) {
            return (int) files.values().stream().filter(f -> f.expectedStatus() == status).count();
        }

        /** What the summary's byte sum must be: every file is counted once, OK or FAILED. */
        public long totalBytes() {
            return files.values().stream().mapToLong(InputFile::bytes).sum();
        }
    }

    private ChaosImages() {
    }

    /** Writes {@code count} files into {@code directory}, which must be empty or absent. */
    public static InputSet write(Path directory, int count, long seed) {
        try {
            Files.createDirectories(directory);
            Random random = new Random(seed);
            Map<String, InputFile> files = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                InputFile file = i % BROKEN_EVERY == BROKEN_EVERY - 1
                        ? writeBroken(directory, i, random)
                        : writeImage(directory, i, random);
                files.put(file.name(), file);
            }
            return new InputSet(directory, Map.copyOf(files));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chaos run's images into " + directory, e);
        }
    }

    private static InputFile writeImage(Path directory, int index, Random random) throws IOException {
        String format = FORMATS[index % FORMATS.length];
        String name = String.format("image-%04d.%s", index, format);
        int width = MIN_SIDE + random.nextInt(MAX_SIDE - MIN_SIDE + 1);
        int height = MIN_SIDE + random.nextInt(MAX_SIDE - MIN_SIDE + 1);
        Path file = directory.resolve(name);
        SampleImages.write(SampleImages.scene(random.nextLong(), width, height), format, file);
        return new InputFile(name, ResultStatus.OK, Files.size(file));
    }

    /** Four kinds of broken file in turn, each one a decoder must refuse. */
    private static InputFile writeBroken(Path directory, int index, Random random) throws IOException {
        int kind = (index / BROKEN_EVERY) % 4;
        String name;
        byte[] content;
        switch (kind) {
            case 0 -> {
                name = String.format("broken-%04d-empty.jpg", index);
                content = new byte[0];
            }
            case 1 -> {
                name = String.format("broken-%04d-truncated.jpg", index);
                byte[] jpeg = SampleImages.encode(SampleImages.scene(random.nextLong(), MAX_SIDE, MAX_SIDE), "jpg");
                content = Arrays.copyOf(jpeg, jpeg.length / 3);
            }
            case 2 -> {
                name = String.format("broken-%04d-noise.png", index);
                content = new byte[2048];
                random.nextBytes(content);
                // Not the first byte of any image signature.
                content[0] = 0x13;
            }
            default -> {
                name = String.format("broken-%04d-text.jpg", index);
                content = ("Not an image, whatever its name says (" + index + ").\n").getBytes(StandardCharsets.UTF_8);
            }
        }
        Files.write(directory.resolve(name), content);
        return new InputFile(name, ResultStatus.FAILED, content.length);
    }
}
