package io.github.udptunnel.engine;

/**
 * The default congestion control, in packets: a queueing-delay target with bandwidth probing below it, additive
 * increase and multiplicative decrease around it, loss that is not congestion ignored, and a loss-based mode for when
 * a loss-based flow holds the queue. docs/CONGESTION.md gives the reasoning, the references and the measurements.
 *
 * <p>The RTT samples are read in groups of {@link #GROUP_SAMPLES}: the smallest of a group is one reading of the
 * path's RTT, and a round's RTT is the mean of its readings. The smallest of a whole round would depend on the window:
 * a flow with a few packets a round reads the queue at one instant, a large one finds the round's lowest point, and
 * the small flow, seeing more queue, yields more and gets smaller. Once per round trip the flow compares the queueing
 * delay {@code rtt - baseRtt} with the target: a tenth of the base RTT (at least {@link #MIN_TARGET_NANOS}) plus
 * {@link #NOISE_MARGIN} times the flow's noise, the mean change from one reading to the next (but for the round after
 * a cut, when the queue falls because the flow cut):
 *
 * <ul>
 *   <li>slow start doubles the window per round; once a reading passes half the target, it grows by a quarter as fast
 *       (HyStart++'s conservative slow start), doubles again if the delay goes back under half the target, and ends
 *       after {@link #CONSERVATIVE_ROUNDS} rounds above it or at the second round above the target (above twice
 *       the target: at once). A round of slow start is judged by its smallest RTT, once it has a full reading's
 *       samples; the noise is measured only after it;</li>
 *   <li>up to half the target the path has room: the window grows by a step that doubles every such round (1, 2, 4,
 *       ... packets), at most what would bring the queue to the target if the path were full;</li>
 *   <li>from half the target to the target: one packet more a round;</li>
 *   <li>above the target: the window drops to what the path holds with an empty queue, {@code window * baseRtt /
 *       rtt}, and the next round is not judged (its packets left before the cut). Flows that see one queue cut in
 *       one proportion and grow by the same steps: they converge to equal shares (Chiu and Jain's argument);</li>
 *   <li>a loss with the delay at most the target is random: repaired, the window kept. With the delay above the
 *       target, or in a round that loses more than {@link #CONGESTIVE_LOSS_FRACTION} of its packets, it is
 *       congestion and cuts;</li>
 *   <li>a timeout starts the window again from the minimum, and slow start takes it back up to the window before
 *       (half of it if the last round showed a queue);</li>
 *   <li>every {@link #BASE_REFRESH_NANOS} the flow sends an eighth less than the path holds for a round, to empty the
 *       queue and see the path's base RTT;</li>
 *   <li>competing: when {@link #CROWDED_CUTS} cuts have not once brought the delay down to half the target, the
 *       queue is a loss-based flow's. The flow undoes those cuts, slow-starts to a loss, then follows CUBIC's window
 *       ({@link Cubic}) until the delay stays below the target for {@link #CALM_ROUNDS} rounds, or until a round in
 *       which it drains its own share of the queue (every {@link #BASE_REFRESH_NANOS}) empties the queue: then it
 *       was this flow's own.</li>
 * </ul>
 */
final class DelayTarget implements CongestionControl {

    /** The queueing delay a flow aims for, as a fraction of the base RTT: RTTs under load stay near 1.1x base. */
    static final double TARGET_FRACTION = 0.1;
    /**
     * The smallest target: below it a busy host's own scheduling is the noise (on a two-core machine running both
     * ends and a relay, the smallest RTT of a round varied by 0 to 3 ms with nothing queued).
     */
    static final long MIN_TARGET_NANOS = 4_000_000L;
    /** RTT samples per reading: the smallest of them, so that a reading means the same whatever the window. */
    static final int GROUP_SAMPLES = 8;
    /**
     * How much the target is raised, in multiples of the flow's noise. On a quiet path the noise is near nothing and
     * the target stays where the floor and the base RTT put it; through the relay's bottleneck on this two-core host
     * (about 1 ms of noise) 4 gave two flows 0.46 / 0.54 and a flow beside QUIC CUBIC 0.54, against 0.41 and 0.43 at 2
     * (medians of five to twelve runs in fresh JVMs); 8 split two simulated flows 62% / 36% (docs/CONGESTION.md).
     */
    static final double NOISE_MARGIN = 4;
    /** The weight of each new change between readings in the noise, a moving average. */
    static final double NOISE_GAIN = 1.0 / 16;
    /**
     * Cuts that never brought the delay down to half the target before the flow takes the queue for another's. Flows
     * of this kind cut at the target and empty the queue between them; a loss-based flow holds it. Four, not two: a
     * second flow of this kind in slow start keeps the queue up for a few rounds too.
     */
    static final int CROWDED_CUTS = 4;
    /** How often a flow empties the queue for a round to see the base RTT. */
    static final long BASE_REFRESH_NANOS = 2_000_000_000L;
    /** The window of that round, a share of what the path holds with an empty queue. */
    static final double REFRESH_CUT = 7.0 / 8;
    /** How long after competing a queue above the target is still taken as the loss-based flow's. */
    static final long LATELY_NANOS = 10_000_000_000L;
    /** Rounds below the target before a competing flow goes back to following the delay. */
    static final int CALM_ROUNDS = 3;
    /**
     * Slow start that saw a queue grows by a quarter of what it acks for up to this many rounds before it ends
     * (HyStart++'s conservative slow start, RFC 9406): a queue that goes away again was a burst, not the path's limit.
     */
    static final int CONSERVATIVE_ROUNDS = 5;
    static final double CONSERVATIVE_GROWTH = 0.25;
    /** The share of a round's packets lost beyond which the loss is congestion whatever the delay says. */
    static final double CONGESTIVE_LOSS_FRACTION = 0.15;
    /** ...and at least this many: two losses in a round of a dozen packets are what 5% random loss often does. */
    static final int CONGESTIVE_LOSS_COUNT = 4;
    /** The cut for such a round when the delay shows little queue: the buffer it overflowed is short. */
    static final double LOSSY_CUT = 0.7;

    private final int maxWindow;
    private double window = Vegas.INITIAL_WINDOW;
    private boolean slowStart = true;
    /** Slow start saw a queue and grows slowly, for {@link #CONSERVATIVE_ROUNDS} at most; see there. */
    private boolean conservative;
    private int conservativeRounds;
    /** A round has been judged since slow start went conservative. */
    private boolean conservativeJudged;
    /** Where slow start after a timeout stops: the window before it. */
    private double slowStartCap = Double.MAX_VALUE;
    private double step = 1;
    private boolean competing;
    /**
     * Competing and not yet past the first loss: the flow that holds the queue filled it by a slow start to its first
     * loss, and this one, after its cuts, is far below its share; it slow-starts to a loss as well.
     */
    private boolean competingStartup;
    /** The window law while competing: CUBIC's, as fair to a CUBIC or Reno flow as they are to each other. */
    private final Cubic cubic = new Cubic();
    /** The next round's packets left before the last cut: its RTT does not show what the cut did. */
    private boolean settling;
    /** Cuts since the delay was last at most half the target. */
    private int cutsUndrained;
    private int calmRounds;
    /** When this flow last stopped competing. */
    private long competedUntil = Long.MIN_VALUE / 2;

    /** The smallest RTT sample of the group being read, and how many it has. */
    private long groupMinRtt = Long.MAX_VALUE;
    private int groupSamples;
    /** The last reading, and the mean change from one reading to the next: this flow's noise. */
    private long lastReading;
    private double noise;
    /** When this flow next takes a round with less than the path holds, to see the path's base RTT. */
    private long refreshAt = Long.MIN_VALUE;

    private long roundEnd;
    private long roundMinRtt = Long.MAX_VALUE;
    private int roundSamples;
    private long roundReadingSum;
    private int roundReadings;
    private int roundAcked;
    private int roundLost;
    /** The last round's measurements, what a loss is judged by. */
    private long lastRtt;
    private long lastBaseRtt;
    /** The window before the first of the cuts that showed another flow's queue. */
    private double windowBeforeCrowd;
    /** Competing, the flow drained its share of the queue to see whether the queue goes with it; see compete. */
    private boolean probing;
    private double windowBeforeProbe;
    private boolean queueAboveTarget;

    DelayTarget(int maxWindow) {
        this.maxWindow = maxWindow;
    }

    @Override
    public boolean inSlowStart() {
        return slowStart;
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
            groupMinRtt = Math.min(groupMinRtt, rttNanos);
            if (++groupSamples == GROUP_SAMPLES) {
                read(groupMinRtt, baseRttNanos);
                groupMinRtt = Long.MAX_VALUE;
                groupSamples = 0;
            }
        }
        roundAcked += acked;
        if (slowStart) {
            setWindow(window + (conservative ? acked * CONSERVATIVE_GROWTH : acked));
            if (window >= slowStartCap) {
                endSlowStart();
            }
        } else if (competingStartup) {
            setWindow(window + acked);
        }
        if (Long.compareUnsigned(delivered, roundEnd) > 0) {
            endRound(nowNanos, baseRttNanos);
            roundEnd = nextSeq;
        }
    }

    /**
     * One reading of the RTT. Slow start checks each one, not once a round (HyStart's delay rule): a round late, the
     * window has doubled again and the queue with it. After slow start, readings measure the noise, except while a
     * cut settles: the queue that a cut empties is this flow's own doing, not the path's or the host's noise (counted,
     * at 10 Mbit/s the cuts' falls of 10 to 14 ms lifted the target to 8 to 11 ms and let the next growth overshoot).
     */
    private void read(long reading, long baseRtt) {
        roundReadingSum += reading;
        roundReadings++;
        if (slowStart) {
            if (baseRtt > 0 && reading - baseRtt > target(baseRtt) / 2) {
                goConservative();
            }
        } else if (lastReading != 0 && !settling) {
            noise += (Math.abs(reading - lastReading) - noise) * NOISE_GAIN;
        }
        lastReading = settling ? 0 : reading;
    }

    /**
     * The queueing delay this flow aims for. The noise term keeps a flow whose readings vary more (fewer packets, a
     * busier host) from taking its own noise for a queue and yielding to flows that measure more smoothly.
     */
    private long target(long baseRtt) {
        return Math.max(MIN_TARGET_NANOS, (long) (baseRtt * TARGET_FRACTION)) + (long) (NOISE_MARGIN * noise);
    }

    @Override
    public void onLost(int packets) {
        roundLost += packets;
    }

    private void endRound(long now, long baseRtt) {
        long rtt = slowStart || roundReadings == 0 ? roundMinRtt : roundReadingSum / roundReadings;
        // Slow start judges a round only with a full reading's samples (HyStart++ waits for 8 as well): the first
        // rounds of a few acks also carry the host's start-up (traced on the relay: 22.8 ms over base in a first round
        // of 3 acks with nothing queued, which ended slow start at 22 packets).
        boolean measured = roundSamples > (slowStart ? GROUP_SAMPLES - 1 : 2) && baseRtt > 0
            && rtt != Long.MAX_VALUE;
        boolean lossy = roundLost > CONGESTIVE_LOSS_FRACTION * (roundAcked + roundLost)
            && roundLost >= CONGESTIVE_LOSS_COUNT;
        roundSamples = 0;
        roundMinRtt = Long.MAX_VALUE;
        roundReadingSum = 0;
        roundReadings = 0;
        roundAcked = 0;
        roundLost = 0;
        if (!measured) {
            if (!slowStart) {
                setWindow(window + 1);  // too few samples to judge (a window of two or three packets): as Reno
            }
            return;
        }
        lastRtt = rtt;
        lastBaseRtt = baseRtt;
        long target = target(baseRtt);
        long delay = rtt - baseRtt;
        queueAboveTarget = delay > target;
        if (competing) {
            compete(now, delay, target);
            return;
        }
        if (settling) {
            settling = false;
            return;
        }
        if (slowStart && (!conservative || !conservativeJudged) && delay > target && delay <= 2 * target && !lossy) {
            // One round's smallest RTT is a noisy reading in a slow start of a few packets a round: conservative
            // growth first (a reading may have begun it in this very round), the end at the next round above the
            // target.
            goConservative();
            conservativeJudged = true;
            return;
        }
        conservativeJudged = conservative;
        if (delay <= target / 2) {
            cutsUndrained = 0;  // the queue went, as it does when the flows that hold it cut at the target
        }
        if (delay > target || lossy) {
            // Cuts that keep not emptying the queue: a cut of this flow's own share leaves the rest, and flows of
            // this kind cut theirs at the target too, so a queue that stays is a flow's that does not yield to delay
            // (a loss-based flow holds one up to its next loss, for seconds). A loss-based flow that was here lately
            // likely still is: it is met at once, not after more cuts.
            boolean crowded = cutsUndrained >= CROWDED_CUTS;
            boolean lately = now - competedUntil < LATELY_NANOS;
            if (crowded || (lately && delay > target)) {
                if (crowded) {
                    setWindow(Math.max(window, windowBeforeCrowd));  // the cuts gave room away and took no queue off
                }
                // Squeezed by cuts, the flow slow-starts to a loss; back after a few calm rounds (a loss that both
                // flows cut for emptied the queue), its window is its share and CUBIC's curve goes on from it.
                competing = true;
                competingStartup = crowded;
                calmRounds = 0;
                cutsUndrained = 0;
                return;
            }
            if (cutsUndrained++ == 0) {
                windowBeforeCrowd = window;
            }
            cut(Math.min(window * baseRtt / rtt, lossy ? window * LOSSY_CUT : window));
            return;
        }
        if (refreshAt == Long.MIN_VALUE) {
            refreshAt = now + BASE_REFRESH_NANOS;
        } else if (now >= refreshAt && !slowStart) {
            // A flow that joined while others kept a queue took part of that queue for its base RTT, and would keep
            // more queued than they do for good (Vegas's and FAST's known unfairness). Now and then each flow sends an
            // eighth less than the path holds for a round, which empties a queue that the others keep near the
            // target, so its base RTT (the smallest ever seen) comes down to the path's own.
            sendBelowThePath(now);
            return;
        }
        if (slowStart) {
            if (delay <= target / 2) {
                conservative = false;  // the queue went: a burst's, not the path's
            } else if (conservative && ++conservativeRounds >= CONSERVATIVE_ROUNDS) {
                endSlowStart();
            } else {
                goConservative();
            }
            return;
        }
        if (delay <= target / 2) {
            // At most the packets that would bring the queue to the target if the path were full: this round's RTT
            // shows the window of the round before, so a step shows only a round late.
            double room = Math.max(1, window * (double) (target - delay) / rtt);
            setWindow(window + Math.min(step, room));
            step = Math.min(2 * step, room);
        } else {
            step = 1;
            setWindow(window + 1);
        }
    }

    /** A cut of the window; the next round, whose packets left before it, is not judged. */
    private void cut(double to) {
        endSlowStart();
        setWindow(to);
        settling = true;
    }

    /** Slow start saw a queue: a quarter of the growth from here, for {@link #CONSERVATIVE_ROUNDS} rounds at most. */
    private void goConservative() {
        if (!conservative) {
            conservative = true;
            conservativeRounds = 0;
            conservativeJudged = false;
        }
    }

    private void endSlowStart() {
        slowStart = false;
        conservative = false;
        slowStartCap = Double.MAX_VALUE;
        step = 1;
    }

    /** For a round, an eighth less than the path holds with an empty queue: this flow's share of the queue empties. */
    private void sendBelowThePath(long now) {
        refreshAt = now + BASE_REFRESH_NANOS;
        cut(window * lastBaseRtt / lastRtt * REFRESH_CUT);
    }

    /** Down to what the path holds with an empty queue: this flow's whole share of the queue leaves. */
    private void drain() {
        cut(window * lastBaseRtt / lastRtt);
    }

    /**
     * A round while competing: grow as a loss-based flow does, unless the queue has gone, or the flow finds it is its
     * own. Every {@link #BASE_REFRESH_NANOS} the flow drains its share of the queue for a round, as the base-RTT
     * refresh does: a loss-based flow's queue stays, and the window comes back; a queue that goes with it was this
     * flow's (it took a delay of the host's, or of the route's, for another's queue, competed, and filled the buffer
     * itself), and the flow follows the delay again.
     */
    private void compete(long now, long delay, long target) {
        if (settling) {
            settling = false;
            return;
        }
        if (probing) {
            probing = false;
            if (delay <= target / 2) {
                competing = false;
                cutsUndrained = 0;
                step = 1;
                return;
            }
            setWindow(Math.max(window, windowBeforeProbe));
            return;
        }
        calmRounds = delay < target ? calmRounds + 1 : 0;
        if (calmRounds >= CALM_ROUNDS) {
            competing = false;
            competingStartup = false;
            competedUntil = now;
            step = 1;
            return;
        }
        if (competingStartup) {
            return;  // doubling per round, on every ack, until the first loss
        }
        if (now >= refreshAt) {
            windowBeforeProbe = window;
            probing = true;
            sendBelowThePath(now);
            return;
        }
        setWindow(cubic.window(now, window, lastRtt));
    }

    @Override
    public boolean onLoss(long nowNanos) {
        if (competing) {
            if (!queueAboveTarget) {
                return false;
            }
            competingStartup = false;
            probing = false;  // the loss's cut stands: the probe's window is not taken back
            cubic.onCongestion(nowNanos, window);
            setWindow(window * Cubic.BETA);
            return true;
        }
        if (!queueAboveTarget) {
            return false;
        }
        if (!settling) {
            drain();  // else the round's own cut, made on the same queue, is still taking effect
        }
        return true;
    }

    @Override
    public void onTimeout(long nowNanos) {
        // Everything in flight is taken for lost and the window starts again from the minimum, as in any TCP; slow
        // start then takes it back, up to the window before (half of it if the last round showed a queue). At 5%
        // random loss a window of a few packets times out often, and growing back a step a round kept it small.
        slowStartCap = queueAboveTarget ? window / 2 : window;
        slowStart = true;
        conservative = false;
        competing = false;
        competingStartup = false;
        probing = false;
        step = 1;
        setWindow(Vegas.MIN_WINDOW);
    }

    private void setWindow(double w) {
        window = Math.max(Vegas.MIN_WINDOW, Math.min(maxWindow, w));
    }

    /**
     * CUBIC's window (RFC 9438), in packets, for the rounds this flow competes with a loss-based flow: the cubic
     * function of the time since the last congestion event, and never below what Reno would have (its
     * Reno-friendly region). Per round rather than per ack, and at most half again the window a round.
     */
    static final class Cubic {
        static final double BETA = 0.7;
        static final double C = 0.4;

        private double windowMax;
        private long epochStart = Long.MIN_VALUE;

        void onCongestion(long now, double window) {
            // Fast convergence: a flow whose window stops short of the last maximum lets go of more of it.
            windowMax = window < windowMax ? window * (1 + BETA) / 2 : window;
            epochStart = now;
        }

        double window(long now, double window, long rttNanos) {
            if (epochStart == Long.MIN_VALUE || rttNanos <= 0) {
                return window + 1;  // no congestion event yet to grow from: as Reno
            }
            double t = (now - epochStart + rttNanos) / 1e9;
            double k = Math.cbrt(windowMax * (1 - BETA) / C);
            double cubic = C * Math.pow(t - k, 3) + windowMax;
            double reno = windowMax * BETA + 3 * (1 - BETA) / (1 + BETA) * t / (rttNanos / 1e9);
            return Math.max(window, Math.min(Math.max(cubic, reno), 1.5 * window));
        }
    }
}
