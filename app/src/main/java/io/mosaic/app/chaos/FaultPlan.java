package io.mosaic.app.chaos;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which faults a run injects and when, drawn from a seed so that a failing run can be repeated.
 * A fault's moment is a share of the time over which the job's tasks are published, so faults
 * strike while work is in flight however fast the machine; one that comes due while the previous
 * fault is still being recovered from waits for it. Kinds are spread evenly: each allowed kind once per round, and the faults left over
 * are distinct kinds drawn at random, so as many faults as kinds inject every kind once.
 */
public record FaultPlan(long seed, List<Fault> faults) {

    /** Faults fire between these shares of the publishing time: none before work starts, few after it ends. */
    static final double EARLIEST = 0.05;
    static final double LATEST = 0.85;

    /**
     * One planned fault.
     *
     * @param number     1-based position in the plan
     * @param kind       what happens
     * @param at         when it fires, as a share of the time over which the tasks are published
     * @param pick       a random number that chooses the victim among the candidates at the time
     * @param pause      a random share (0 to 1) that sets how long a broker stays down
     */
    public record Fault(int number, FaultKind kind, double at, int pick, double pause) {

        /** The victim among {@code candidates} choices. */
        public int choose(int candidates) {
            return Math.floorMod(pick, candidates);
        }

        @Override
        public String toString() {
            return kind.label() + "@" + Math.round(at * 100) + "%";
        }
    }

    public FaultPlan {
        faults = List.copyOf(faults);
    }

    /** {@code count} faults of the {@link FaultKind#PROCESS_FAULTS process kinds}. */
    public static FaultPlan of(long seed, int count) {
        return of(seed, count, FaultKind.PROCESS_FAULTS);
    }

    /** {@code count} faults drawn from {@code allowed}, each kind as often as the others, give or take one. */
    public static FaultPlan of(long seed, int count, Set<FaultKind> allowed) {
        if (count < 0) {
            throw new IllegalArgumentException("the number of faults cannot be negative, got " + count);
        }
        if (allowed.isEmpty() && count > 0) {
            throw new IllegalArgumentException("no fault kinds to draw " + count + " faults from");
        }
        Random random = new Random(seed);
        List<FaultKind> all = FaultKind.ordered(allowed);
        List<FaultKind> kinds = new ArrayList<>();
        for (int round = 0; !all.isEmpty() && round < count / all.size(); round++) {
            kinds.addAll(all);
        }
        List<FaultKind> rest = new ArrayList<>(all);
        Collections.shuffle(rest, random);
        kinds.addAll(rest.subList(0, all.isEmpty() ? 0 : count % all.size()));
        Collections.shuffle(kinds, random);
        double[] moments = new double[count];
        for (int i = 0; i < count; i++) {
            moments[i] = EARLIEST + random.nextDouble() * (LATEST - EARLIEST);
        }
        Arrays.sort(moments);
        List<Fault> faults = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            faults.add(new Fault(i + 1, kinds.get(i), moments[i], random.nextInt(Integer.MAX_VALUE), random.nextDouble()));
        }
        return new FaultPlan(seed, faults);
    }

    public int size() {
        return faults.size();
    }

    public long count(FaultKind kind) {
        return faults.stream().filter(f -> f.kind() == kind).count();
    }

    @Override
    public String toString() {
        return faults.stream().map(Fault::toString).collect(Collectors.joining(", "));
    }
}
