package io.mosaic.schemas;

import java.util.Locale;

/**
 * How large a share of the workers a job gets while other jobs run, as written in the
 * {@code priority} field of {@link ImageJob}, {@link JobSummary} and {@link JobAdmission}: the
 * dispatcher gives a HIGH job twice the window of a NORMAL one and a BATCH job half of it, and a
 * job's share of the workers follows its window (4 : 2 : 1). Jobs of one priority share evenly.
 */
public enum JobPriority {
    HIGH, NORMAL, BATCH;

    /** The priority named {@code text} in any case, around any spaces; NORMAL for null. */
    public static JobPriority parse(String text) {
        if (text == null) {
            return NORMAL;
        }
        String name = text.trim().toUpperCase(Locale.ROOT);
        for (JobPriority priority : values()) {
            if (priority.name().equals(name)) {
                return priority;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a priority; use high, normal or batch");
    }

    /** As {@link #parse}, but NORMAL for anything it does not know: a record from a newer writer. */
    public static JobPriority orNormal(String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            return NORMAL;
        }
    }
}
