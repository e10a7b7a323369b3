package io.mosaic.platform.config;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One setting, declared once beside the code that uses it: its key in properties files and
 * {@code --set}, its type, its default, the values it accepts and what it means. Environment
 * variables name it as {@code MOSAIC_} + the key upper-cased with dots as underscores
 * ({@code worker.threads} is {@code MOSAIC_WORKER_THREADS}). {@link MosaicConfig#get(Setting)}
 * reads it as a typed value; a bad value is an {@link IllegalArgumentException} naming the key.
 *
 * @param <T> the type of the value
 */
public record Setting<T>(String key, String type, String defaultValue, Function<String, T> parser, String description) {

    /**
     * @param type the type and accepted range, for {@code mosaic config --list}
     * @param defaultValue the default as text; null when the setting has none
     * @param parser turns a value into {@code T}, or throws {@link IllegalArgumentException} naming the key
     */
    public Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(description, "description");
    }

    /** Any text; {@code defaultValue} may be null (no value). */
    public static Setting<String> string(String key, String defaultValue, String description) {
        return new Setting<>(key, "string", defaultValue, raw -> raw, description);
    }

    /** {@code true} or {@code false}, in any case. */
    public static Setting<Boolean> flag(String key, boolean defaultValue, String description) {
        return new Setting<>(key, "boolean", String.valueOf(defaultValue), raw -> {
            String value = raw.trim().toLowerCase(Locale.ROOT);
            if (!value.equals("true") && !value.equals("false")) {
                throw new IllegalArgumentException(key + " must be true or false, got '" + raw + "'");
            }
            return Boolean.parseBoolean(value);
        }, description);
    }

    /** A whole number from {@code min} to {@code max}. */
    public static Setting<Integer> integer(String key, Integer defaultValue, int min, int max, String description) {
        return new Setting<>(key, range("int", min, max, Integer.MAX_VALUE), text(defaultValue),
                raw -> (int) parseLong(key, raw, min, max), description);
    }

    /** A whole number (64 bits) from {@code min} to {@code max}; underscores may group digits. */
    public static Setting<Long> whole(String key, Long defaultValue, long min, long max, String description) {
        return new Setting<>(key, range("long", min, max, Long.MAX_VALUE), text(defaultValue),
                raw -> parseLong(key, raw, min, max), description);
    }

    /** A decimal number from {@code min} to {@code max}. */
    public static Setting<Double> decimal(String key, Double defaultValue, double min, double max, String description) {
        return new Setting<>(key, "double " + min + ".." + max, text(defaultValue), raw -> {
            double value;
            try {
                value = Double.parseDouble(raw.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number, got '" + raw + "'");
            }
            if (!(value >= min && value <= max)) {
                throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + raw);
            }
            return value;
        }, description);
    }

    public String environmentVariable() {
        return MosaicConfig.ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** {@code raw} as this setting's type; no value stays null. */
    T parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return parser.apply(raw.trim());
    }

    @Override
    public String toString() {
        return key;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static String range(String name, long min, long max, long unbounded) {
        return name + (max == unbounded ? " >= " + min : " " + min + ".." + max);
    }

    private static long parseLong(String key, String raw, long min, long max) {
        long value;
        try {
            value = Long.parseLong(raw.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + raw + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                    ? "at least " + min : "between " + min + " and " + max) + ", got " + value);
        }
        return value;
    }
}
