package io.mosaic.platform.config;

/**
 * One known setting: its key in properties files, its default (null when it has none), and what
 * it means. Environment variables name it as {@code MOSAIC_} + the key upper-cased with dots as
 * underscores ({@code worker.threads} is {@code MOSAIC_WORKER_THREADS}).
 */
public record Setting(String key, String defaultValue, String description) {

    public String environmentVariable() {
        return MosaicConfig.ENV_PREFIX + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
    }
}
