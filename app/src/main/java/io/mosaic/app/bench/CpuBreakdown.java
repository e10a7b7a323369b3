package io.mosaic.app.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where this process's CPU went between two snapshots, by thread role: the thread's name with its
 * numbers taken out ({@code mosaic-analyzer-bench-2} counts as {@code mosaic-analyzer-bench-N}).
 * What no Java thread accounts for (the JIT compilers, the garbage collector, other VM threads)
 * is shown as {@value #VM}. Threads that ended between the snapshots are not seen.
 */
final class CpuBreakdown {

    static final String VM = "JVM itself (JIT compilers, GC)";

    private final Map<Long, Long> threadNanos;
    private final Map<Long, String> threadRoles;
    private final long processNanos;

    private CpuBreakdown(Map<Long, Long> threadNanos, Map<Long, String> threadRoles, long processNanos) {
        this.threadNanos = threadNanos;
        this.threadRoles = threadRoles;
        this.processNanos = processNanos;
    }

    static CpuBreakdown now() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, String> roles = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                nanos.put(info.getThreadId(), cpu);
                roles.put(info.getThreadId(), role(info.getThreadName()));
            }
        }
        return new CpuBreakdown(nanos, roles, processCpuNanos());
    }

    /** CPU nanoseconds of the whole process from {@code before} to this snapshot. */
    long processNanosSince(CpuBreakdown before) {
        return processNanos - before.processNanos;
    }

    /** CPU nanoseconds this process has used. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static String role(String threadName) {
        return threadName.replaceAll("\\d+", "N");
    }

    /** CPU nanoseconds by role from {@code before} to this snapshot, largest first. */
    Map<String, Long> since(CpuBreakdown before) {
        Map<String, Long> byRole = new HashMap<>();
        long threads = 0;
        for (Map.Entry<Long, Long> e : threadNanos.entrySet()) {
            long delta = e.getValue() - before.threadNanos.getOrDefault(e.getKey(), 0L);
            byRole.merge(threadRoles.get(e.getKey()), delta, Long::sum);
            threads += delta;
        }
        byRole.put(VM, Math.max(0, processNanos - before.processNanos - threads));
        return byRole.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** The largest {@code top} roles as "role x.xx ms" per image, one line. */
    static String perImage(Map<String, Long> byRole, int images, int top) {
        return byRole.entrySet().stream().limit(top)
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / 1e6 / images))
                .collect(Collectors.joining(", ")) + " ms per image";
    }
}
