package io.github.udptunnel.engine;

/**
 * Vegas's queue estimate with a growth law that probes for bandwidth, in packets; docs/CONGESTION.md gives the
 * reasoning, the references and the measurements. Once per round trip, with
 * {@code queued = window x (rtt - baseRtt) / rtt} the packets this flow keeps waiting in the bottleneck (rtt is the
 * smallest sample of the round):
 *
 * <ul>
 *   <li>slow start doubles the window per round until more than {@link Vegas#GAMMA} packets are queued;</li>
 *   <li>fewer than half of {@link #TARGET} queued: the path has room. The window grows by a step that doubles with
 *       every such round (1, 2, 4, ... packets, at most half the window), so it finds new capacity in a logarithmic
 *       number of rounds where Vegas adds one packet a round;</li>
 *   <li>up to {@link Vegas#BETA} queued: halfway towards the window that would leave exactly {@link #TARGET} queued
 *       (FAST TCP's law), times a velocity that doubles while the direction holds (Copa's, at most
 *       {@link #MAX_VELOCITY}); every flow settles with the same few packets queued, so equal flows get equal rates;</li>
 *   <li>more than {@link Vegas#BETA}: the window drops by the excess at once;</li>
 *   <li>a round after a change is not judged: its packets left before the change;</li>
 *   <li>a loss with at most {@link Vegas#BETA} queued is random: retransmitted, the window kept. With more queued it
 *       is congestion: the window drops by the whole queue estimate;</li>
 *   <li>every {@link #BASE_REFRESH_NANOS} the flow takes its packets out of the queue for a round and re-measures its
 *       base RTT ({@link BaseRefresh}), the path's noise and the other flows' packets included; a round clearly below
 *       the base (another flow drained) lowers it and puts the next refresh in step with that flow's;</li>
 *   <li>competing: when the queueing delay stays above {@link #CROWDED_DELAY} of the base RTT for
 *       {@link #PERSISTENT_ROUNDS} judged rounds, someone else holds the queue: flows of this kind keep a few packets
 *       each, a loss-based flow fills the buffer. Yielding further would hand it the link, so the flow then grows by
 *       a thirty-second of its window a round and halves on a loss (no deeper than its own share of the queue), until
 *       the delay stays below {@link #EMPTY_DELAY} for {@link #CALM_ROUNDS} rounds. For {@link #LATELY_NANOS} after
 *       that it neither yields to a queue nor refreshes its base, and competes again as soon as the delay rises
 *       past {@link #EMPTY_DELAY}: the loss-based flow is likely still there.</li>
 * </ul>
 */
final class ProbingVegas implements CongestionControl {

    /** Packets of its own a flow may keep queued before it drains them; below this the path has room. */
    static final int TARGET = 3;
    /** Rounds with a queue this flow did not cause before it competes like a loss-based flow. */
    static final int PERSISTENT_ROUNDS = 4;
    /** The largest multiple of FAST's step the hold band takes while its direction holds. */
    static final double MAX_VELOCITY = 16;
    /** How often a flow re-measures its base RTT with its own packets out of the queue. */
    static final long BASE_REFRESH_NANOS = 2_000_000_000L;
    /** Queueing delay, a fraction of the base RTT, that delay-based flows do not keep: someone else fills the buffer. */
    static final double CROWDED_DELAY = 0.25;
    /** Queueing delay below which the buffer counts as drained. */
    static final double EMPTY_DELAY = 0.125;
    /** How long after competing a queue is still taken as the loss-based flow's: no yielding, no base refresh. */
    static final long LATELY_NANOS = 10_000_000_000L;
    /** Rounds the buffer must stay drained, while this flow grows, before it stops competing. */
    static final int CALM_ROUNDS = 4;

    private final int maxWindow;
    private double window = Vegas.INITIAL_WINDOW;
    private boolean slowStart = true;
    private int slowStartCap = Integer.MAX_VALUE;
    private double step = 1;
    private double velocity = 1;
    private int lastDirection;
    private boolean competing;
    /** The next round's RTT was measured on packets sent before the last change: it is not judged. */
    private boolean settling;
    private int queuedRounds;
    /** When this flow last stopped competing. */
    private long competedUntil = Long.MIN_VALUE / 2;
    private int calmRounds;
    private long lastRtt;

    private long roundEnd;
    private long roundMinRtt = Long.MAX_VALUE;
    /** This flow's base RTT: the smallest sample since the last refresh. */
    private long baseRtt;
    private long refreshAt;
    private final BaseRefresh refresh = new BaseRefresh();
    private int roundSamples;
    /** The last queue estimate, packets; what a loss is judged by. */
    private double queued;

    ProbingVegas(int maxWindow) {
        this.maxWindow = maxWindow;
    }

    @Override
    public int window() {
        return (int) window;
    }

    @Override
    public void onAck(long nowNanos, int acked, long delivered, long nextSeq, long rttNanos, long baseRttNanos) {
        if (rttNanos > 0) {
            roundMinRtt = Math.min(roundMinRtt, rttNanos);
            roundSamples++;
        }
        if (slowStart) {
            setWindow(Math.min(slowStartCap, window + acked));
            slowStart = window < slowStartCap;
        }
        if (Long.compareUnsigned(delivered, roundEnd) > 0) {
            endRound(nowNanos, baseRttNanos);
            roundEnd = nextSeq;
        }
    }

    private void endRound(long now, long pathMinimum) {
        long rtt = roundMinRtt;
        boolean measured = roundSamples > 2 && pathMinimum > 0 && pathMinimum != Long.MAX_VALUE;
        roundSamples = 0;
        roundMinRtt = Long.MAX_VALUE;
        if (!measured) {
            if (!slowStart) {
                // Too few samples to judge (a window of two or three packets): one packet more, as Reno.
                setWindow(window + 1);
            }
            return;
        }
        if (baseRtt == 0) {
            baseRtt = pathMinimum;
            refreshAt = now + BASE_REFRESH_NANOS;
        }
        if (refresh.onRound(now, rtt, pathMinimum)) {
            return;
        }
        if (rtt < baseRtt - baseRtt / 64) {
            // Clearly below the base: another flow has just drained. Refreshing in step with it means all drain at
            // once and all see the empty queue, as BBR's flows fall into step for PROBE_RTT. (A sample only a little
            // below is the path's noise on a lucky round, which the last refresh counted into the base on purpose.)
            baseRtt = rtt;
            refreshAt = now + BASE_REFRESH_NANOS;
        }
        queued = window * (rtt - baseRtt) / rtt;
        if (slowStart) {
            if (queued > Vegas.GAMMA) {
                slowStart = false;
                settling = true;
                setWindow(window - queued + 1);
            }
            return;
        }
        lastRtt = rtt;
        if (settling && !competing) {
            // This round's packets left before the last change: its RTT does not show what the change did.
            settling = false;
            return;
        }
        double delay = (double) (rtt - baseRtt) / baseRtt;
        if (competes(now, delay)) {
            return;
        }
        boolean lately = now - competedUntil < LATELY_NANOS;
        if (lately && queued >= TARGET / 2.0) {
            settling = true;                                    // holds: the queue it would yield is not its own
            return;
        }
        if (!lately && now >= refreshAt) {
            refresh.start();
            return;
        }
        followQueue();
        settling = true;
    }

    /** Whether this round goes to the competition with a loss-based flow: entered, kept up, or not left yet. */
    private boolean competes(long now, double delay) {
        if (competing) {
            calmRounds = delay < EMPTY_DELAY ? calmRounds + 1 : 0;
            if (calmRounds < CALM_ROUNDS) {
                compete();
                return true;
            }
            competing = false;                                  // the queue stayed away: so did the competitor
            competedUntil = now;
        }
        // A loss-based flow that was here lately likely still is: it is met again at a lower delay.
        boolean lately = now - competedUntil < LATELY_NANOS;
        if (delay <= (lately ? EMPTY_DELAY : CROWDED_DELAY)) {
            queuedRounds = 0;
            return false;
        }
        if (++queuedRounds < (lately ? 1 : PERSISTENT_ROUNDS)) {
            return false;
        }
        competing = true;
        queuedRounds = 0;
        calmRounds = 0;
        compete();
        return true;
    }

    /** The delay-based law: probe while the queue estimate shows room, hold near the target, drain above it. */
    private void followQueue() {
        if (queued < TARGET / 2.0) {
            setWindow(window + step);
            step = Math.min(2 * step, Math.max(1, window / 2));
            velocity = 1;
        } else if (queued <= Vegas.BETA) {
            // Towards the window that leaves TARGET packets queued (FAST TCP's law), faster while the direction holds
            // (Copa's velocity): on a long path a few packets of difference are a weak signal.
            step = 1;
            int direction = queued < TARGET ? 1 : -1;
            velocity = direction == lastDirection ? Math.min(MAX_VELOCITY, 2 * velocity) : 1;
            lastDirection = direction;
            setWindow(window + velocity * (TARGET - queued) / 2);
        } else {
            // Far above the target: drain down to it at once.
            step = 1;
            velocity = 1;
            setWindow(window - queued + TARGET);
        }
    }

    /**
     * Every {@link #BASE_REFRESH_NANOS} the flow takes its own packets out of the queue for a round and takes the
     * RTT it then sees as its base. A flow that joined while another held a queue measured that queue into its base
     * and would keep more queued than the other, for good (Vegas's and FAST's known unfairness); after a refresh
     * each flow's base holds the others' packets but not its own, the same error for all, which is fair.
     */
    private final class BaseRefresh {
        /** Rounds left: 2 after the drain (the first still carries packets sent before it), 1 to measure. */
        private int rounds;
        private double drained;

        void start() {
            // More than its own estimate, which an inflated base understates: its packets must really leave.
            drained = Math.max(queued, window / 8);
            setWindow(window - drained);
            step = 1;
            rounds = 2;
        }

        /** True while refreshing: the round is not judged. */
        boolean onRound(long now, long rtt, long pathMinimum) {
            if (rounds == 0) {
                return false;
            }
            if (--rounds == 0) {
                // A base may rise (the others' packets are now in it), to at most an eighth above the smallest RTT
                // ever seen: a loss-based flow's queue, which only grows, must not creep into it refresh by refresh.
                baseRtt = Math.min(rtt, pathMinimum + pathMinimum / 8);
                refreshAt = now + BASE_REFRESH_NANOS;
                // Not straight back: another flow may have taken the room. Probe back from half of it.
                step = Math.max(1, drained / 2);
                settling = true;
            }
            return true;
        }
    }

    /**
     * Growth while competing: a thirty-second of the window a round (Scalable TCP's rate), at least one packet.
     * Reno's one packet a round would take minutes to win back a share on a path of thousands of packets.
     */
    private void compete() {
        setWindow(window + Math.max(1, window / 32));
    }

    @Override
    public boolean onLoss(long nowNanos) {
        if (competing) {
            // As Reno halves, but no deeper than what empties this flow's share of the queue: when the other flows
            // are ours and lose in the same overflow, the queue then empties and the competition ends.
            setWindow(Math.max(window / 2, window * baseRtt / lastRtt));
        } else if (queued > Vegas.BETA) {
            step = 1;
            setWindow(window - queued);
            settling = true;
        } else {
            return false;
        }
        slowStart = false;
        return true;
    }

    @Override
    public void onTimeout(long nowNanos) {
        slowStartCap = Math.max(Vegas.MIN_WINDOW, (int) window / 2);
        slowStart = true;
        step = 1;
        setWindow(Vegas.MIN_WINDOW);
    }

    private void setWindow(double w) {
        window = Math.max(Vegas.MIN_WINDOW, Math.min(maxWindow, w));
    }
}
