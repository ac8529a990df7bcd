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
 *       (FAST TCP's law); every flow settles with the same few packets queued, so equal flows get equal rates;</li>
 *   <li>more than {@link Vegas#BETA}: the window drops by the excess at once;</li>
 *   <li>a round after a change is not judged: its packets left before the change;</li>
 *   <li>a loss with at most {@link Vegas#BETA} queued is random: retransmitted, the window kept. With more queued it
 *       is congestion: the window drops by the whole queue estimate;</li>
 *   <li>every {@link #BASE_REFRESH_NANOS} the flow takes its packets out of the queue for a round and re-measures its
 *       base RTT ({@link BaseRefresh});</li>
 *   <li>competing: when more than {@link Vegas#BETA} stay queued for {@link #PERSISTENT_ROUNDS} judged rounds although
 *       the flow drained its share each time, someone else holds the queue (a loss-based flow fills buffers). Yielding
 *       further would hand it the link, so the flow grows by one packet a round and keeps 0.7 of its window on a loss,
 *       as CUBIC does, until a round sees the queue gone.</li>
 * </ul>
 */
final class ProbingVegas implements CongestionControl {

    /** Packets of its own a flow may keep queued before it drains them; below this the path has room. */
    static final int TARGET = 3;
    /** Rounds with a queue this flow did not cause before it competes like a loss-based flow. */
    static final int PERSISTENT_ROUNDS = 4;
    /** How often a flow re-measures its base RTT with its own packets out of the queue. */
    static final long BASE_REFRESH_NANOS = 2_000_000_000L;
    /** The window kept after a loss while competing, as CUBIC's beta. */
    static final double COMPETING_DECREASE = 0.7;

    private final int maxWindow;
    private double window = Vegas.INITIAL_WINDOW;
    private boolean slowStart = true;
    private int slowStartCap = Integer.MAX_VALUE;
    private double step = 1;
    private boolean competing;
    /** The next round's RTT was measured on packets sent before the last change: it is not judged. */
    private boolean settling;
    private int queuedRounds;

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
        if (refresh.onRound(now, rtt)) {
            return;
        }
        baseRtt = Math.min(baseRtt, rtt);
        queued = window * (rtt - baseRtt) / rtt;
        if (slowStart) {
            if (queued > Vegas.GAMMA) {
                slowStart = false;
                settling = true;
                setWindow(window - queued + 1);
            }
            return;
        }
        if (settling && !competing) {
            // This round's packets left before the last change: its RTT does not show what the change did.
            settling = false;
            return;
        }
        if (queued <= Vegas.BETA) {
            queuedRounds = 0;
            competing = false;
            if (now >= refreshAt) {
                refresh.start();
                return;
            }
        }
        if (queued < TARGET / 2.0) {
            setWindow(window + step);
            step = Math.min(2 * step, Math.max(1, window / 2));
        } else if (queued <= Vegas.BETA) {
            // Near the target: halfway to the window that leaves TARGET packets queued (FAST TCP's law).
            step = 1;
            setWindow(window + (TARGET - queued) / 2);
        } else if (competing || ++queuedRounds >= PERSISTENT_ROUNDS) {
            competing = true;
            setWindow(window + 1);
            return;
        } else {
            // Far above the target: drain down to it at once.
            step = 1;
            setWindow(window - queued + TARGET);
        }
        settling = true;
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
        boolean onRound(long now, long rtt) {
            if (rounds == 0) {
                return false;
            }
            if (--rounds == 0) {
                // A base may rise (the others' packets are now in it), by at most an eighth, so that an error
                // cannot ratchet it up fast.
                baseRtt = Math.min(rtt, baseRtt + baseRtt / 8);
                refreshAt = now + BASE_REFRESH_NANOS;
                // Not straight back: another flow may have taken the room. Probe back from half of it.
                step = Math.max(1, drained / 2);
                settling = true;
            }
            return true;
        }
    }

    @Override
    public boolean onLoss(long nowNanos) {
        if (competing) {
            setWindow(window * COMPETING_DECREASE);
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

    /** The last queue estimate, packets. */
    double queued() {
        return queued;
    }

    boolean competing() {
        return competing;
    }

    private void setWindow(double w) {
        window = Math.max(Vegas.MIN_WINDOW, Math.min(maxWindow, w));
    }
}
