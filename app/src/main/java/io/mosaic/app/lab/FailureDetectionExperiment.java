package io.mosaic.app.lab;

import io.mosaic.platform.kafka.EmbeddedKafkaCluster;
import io.mosaic.platform.lifecycle.ChildProcesses;
import io.mosaic.platform.lifecycle.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Failure detection, as Kafka's group coordinator does it and as a phi-accrual detector would. A
 * consumer-group member runs in a child JVM; it is killed (kill -9), or paused (SIGSTOP) for
 * {@value #PAUSE_MS} ms as a long garbage collection would, for three session timeouts. Measured:
 * how long the coordinator took to drop a dead member, and whether it dropped a live one that was
 * only paused (a false suspicion). The member also writes a heartbeat record every 100 ms; a
 * phi-accrual detector (the model, as Cassandra and Akka use it) is fed their arrival times and
 * says after how much silence it would suspect.
 */
final class FailureDetectionExperiment implements Experiment.Trial {

    static final int[] SESSION_TIMEOUTS_MS = {2_000, 5_000, 10_000};
    static final long PAUSE_MS = 3_500;
    /** How often the group's members are listed while waiting: the resolution of the times measured. */
    private static final Duration LOOK_EVERY = Duration.ofMillis(50);
    static final double PHI_THRESHOLD = 8;
    private static final String TOPIC = "lab-fd-work";
    private static final String BEATS = "lab-fd-heartbeats";

    @Override
    public LabResult run(LabRun run) throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(1)
                // Kafka refuses sessions under 6 s by default; the experiment needs shorter ones to compare.
                .brokerProperty("group.min.session.timeout.ms", 1_000).build()) {
            kafka.start();
            String bootstrap = kafka.bootstrapServers();
            LabClients.createTopics(bootstrap, new NewTopic(TOPIC, 1, (short) 1), new NewTopic(BEATS, 1, (short) 1));
            LabResult.Builder result = LabResult.builder("failure detection: a group member in a child JVM killed, or paused for "
                            + PAUSE_MS + " ms (a long GC), per session timeout (heartbeat every session / 3)",
                    "session timeout", "killed: noticed after", "paused " + PAUSE_MS + " ms: dropped?", "phi > " + (int) PHI_THRESHOLD + " after");
            int falseSuspicions = 0;
            for (int session : SESSION_TIMEOUTS_MS) {
                String group = "lab-fd-" + session;
                long killed = trial(run, kafka, group + "-kill", session, false);
                long paused = trial(run, kafka, group + "-pause", session, true);
                boolean dropped = paused >= 0;
                falseSuspicions += dropped ? 1 : 0;
                result.row(session + " ms", seconds(killed), dropped ? "yes, a false suspicion" : "no",
                        String.format(Locale.ROOT, "%d ms", phiSuspicionMs(beats(bootstrap, group + "-kill"))));
                result.measure("noticedMs" + session, killed).measure("pauseDropped" + session, dropped ? 1 : 0);
            }
            long phiMs = phiSuspicionMs(beats(bootstrap, "lab-fd-" + SESSION_TIMEOUTS_MS[0] + "-kill"));
            return result
                    .lesson("A dead member is noticed when its session runs out, not when it dies: the shorter the timeout, the sooner."
                            + " But a member only paused %d ms (a GC, a slow disk) was declared dead under %d of %d session timeouts, a"
                            + " false suspicion: a session shorter than the longest pause suspects the living.", PAUSE_MS, falseSuspicions,
                            SESSION_TIMEOUTS_MS.length)
                    .lesson("The phi-accrual detector (a model fed the member's own heartbeats, one every %d ms) would suspect after about"
                            + " %d ms of silence at phi > %d, as regular as the beats were; it would suspect the pause too. What it adds is a"
                            + " level of suspicion learned from the intervals seen: noisier heartbeats raise the silence it tolerates.",
                            GroupMember.BEAT_MS, phiMs, (int) PHI_THRESHOLD)
                    .measure("falseSuspicions", falseSuspicions).measure("phiMs", phiMs)
                    .build();
        }
    }

    /**
     * Starts a member, waits until it is in the group, then kills it (or pauses it for PAUSE_MS and
     * resumes it); the milliseconds until the group had no member, or -1 when it kept it.
     */
    private static long trial(LabRun run, EmbeddedKafkaCluster kafka, String group, int sessionMs, boolean pause) throws Exception {
        List<String> command = ChildProcesses.watchedJava(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                ChildProcesses.absoluteClassPath(), GroupMember.class.getName(),
                List.of(kafka.bootstrapServers(), group, TOPIC, BEATS, Integer.toString(sessionMs), Integer.toString(sessionMs / 3)));
        Path log = run.directory().resolve(group + ".log");
        Process member = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (Admin admin = LabClients.admin(kafka.bootstrapServers())) {
            if (!Poll.within(Duration.ofSeconds(60), LOOK_EVERY, () -> members(admin, group) == 1)) {
                throw new IllegalStateException("the member of " + group + " did not join within 60 s; see " + log);
            }
            // Let it beat for a while, so the phi detector has intervals to learn from.
            Thread.sleep(1_500);
            long at = System.nanoTime();
            if (pause) {
                ChildProcesses.signal(member.pid(), "STOP");
                boolean dropped = Poll.within(Duration.ofMillis(PAUSE_MS), LOOK_EVERY, () -> members(admin, group) == 0);
                ChildProcesses.signal(member.pid(), "CONT");
                long after = (System.nanoTime() - at) / 1_000_000;
                run.say("session %d ms: paused %d ms: %s", sessionMs, PAUSE_MS, dropped ? "dropped from the group after " + after + " ms" : "kept");
                return dropped ? after : -1;
            }
            member.destroyForcibly();
            boolean noticed = Poll.within(Duration.ofMillis(sessionMs * 3L + 10_000), LOOK_EVERY, () -> members(admin, group) == 0);
            long after = (System.nanoTime() - at) / 1_000_000;
            run.say("session %d ms: killed: %s", sessionMs, noticed ? "noticed after " + after + " ms" : "not noticed");
            if (!noticed) {
                throw new IllegalStateException("the group " + group + " did not drop its dead member within " + (sessionMs * 3 + 10_000) + " ms");
            }
            return after;
        } finally {
            member.destroyForcibly();
            member.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Members of {@code group} as the coordinator lists them; 0 before any has joined. */
    private static int members(Admin admin, String group) throws Exception {
        try {
            return admin.describeConsumerGroups(List.of(group)).all().get(5, TimeUnit.SECONDS).get(group).members().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                // Not created yet: no member has joined.
                return 0;
            }
            throw e;
        }
    }

    /** The member's heartbeat records, their broker timestamps in arrival order. */
    private static List<Long> beats(String bootstrap, String group) {
        List<Long> arrivals = new ArrayList<>();
        for (LabClients.Read record : LabClients.readAll(bootstrap, BEATS, "read_uncommitted")) {
            if (group.equals(record.key())) {
                arrivals.add(record.timestamp());
            }
        }
        return arrivals;
    }

    /**
     * After how many milliseconds of silence since the last heartbeat a phi-accrual detector fed
     * these arrivals suspects: phi(t) = -log10(P(an interval longer than t)), the intervals taken as
     * normal with the arrivals' mean and deviation.
     */
    static long phiSuspicionMs(List<Long> arrivals) {
        if (arrivals.size() < 3) {
            return -1;
        }
        double sum = 0;
        double squares = 0;
        int n = arrivals.size() - 1;
        for (int i = 1; i < arrivals.size(); i++) {
            double interval = arrivals.get(i) - arrivals.get(i - 1);
            sum += interval;
            squares += interval * interval;
        }
        double mean = sum / n;
        // A floor on the deviation, as implementations keep, so perfectly regular beats do not make it jumpy.
        double deviation = Math.max(Math.sqrt(Math.max(0, squares / n - mean * mean)), mean / 10);
        for (long t = 0; t < 600_000; t++) {
            double tail = 0.5 * erfc((t - mean) / (deviation * Math.sqrt(2)));
            if (-Math.log10(Math.max(tail, 1e-300)) > PHI_THRESHOLD) {
                return t;
            }
        }
        return -1;
    }

    /** The complementary error function (Numerical Recipes' erfc approximation, good to 1e-7). */
    private static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
