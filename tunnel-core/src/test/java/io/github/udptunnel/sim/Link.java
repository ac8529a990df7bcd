package io.github.udptunnel.sim;

import java.util.SplittableRandom;

/**
 * One direction between two hosts: applies its {@link LinkConditions} to each datagram, keeps the transmit queue
 * and counts what happened. Tests read the counters; the {@link Simulator} does the rest.
 */
public final class Link {

    /** Where a link puts a copy it will deliver. */
    interface Scheduler {
        void deliverAt(long atNanos, byte[] datagram);
    }

    private final Host from;
    private final Host to;

    // One stream per effect, so that turning one effect on does not change another's pattern for the same seed.
    private final SplittableRandom lossRandom;
    private final SplittableRandom duplicateRandom;
    private final SplittableRandom corruptRandom;
    private final SplittableRandom jitterRandom;
    private final SplittableRandom reorderRandom;

    private LinkConditions conditions; // null: the simulator's default

    private TransmitQueue queue = new TransmitQueue();
    private long lastInOrderDeliveryNanos = Long.MIN_VALUE;

    private long sent;
    private long droppedByQueue;
    private long lost;
    private long duplicated;
    private long corrupted;
    private long reordered;
    private long delivered;
    private long bytesDelivered;

    Link(Host from, Host to, SplittableRandom random) {
        this.from = from;
        this.to = to;
        this.lossRandom = random.split();
        this.duplicateRandom = random.split();
        this.corruptRandom = random.split();
        this.jitterRandom = random.split();
        this.reorderRandom = random.split();
    }

    /** Takes one datagram sent at {@code nowNanos}; the link owns {@code datagram} from now on. */
    void transmit(long nowNanos, byte[] datagram, LinkConditions c, Scheduler scheduler) {
        sent++;
        long departureNanos = nowNanos;
        if (c.bandwidthBitsPerSecond() > 0) {
            departureNanos = queue.enqueue(nowNanos, datagram.length, c);
            if (departureNanos < 0) {
                droppedByQueue++;
                return;
            }
        }
        if (chance(lossRandom, c.lossProbability())) {
            lost++;
            return;
        }
        int copies = 1;
        if (chance(duplicateRandom, c.duplicateProbability())) {
            duplicated++;
            copies = 2;
        }
        for (int i = 0; i < copies; i++) {
            scheduler.deliverAt(arrivalNanos(departureNanos, c), maybeCorrupt(datagram, c));
        }
    }

    private long arrivalNanos(long departureNanos, LinkConditions c) {
        long at = departureNanos + c.delayNanos();
        if (c.jitterNanos() > 0) {
            at += jitterRandom.nextLong(c.jitterNanos() + 1);
        }
        if (chance(reorderRandom, c.reorderProbability())) {
            reordered++;
            if (c.reorderExtraDelayNanos() > 0) {
                at += reorderRandom.nextLong(c.reorderExtraDelayNanos() + 1);
            }
            return at; // may be overtaken, and leaves the in-order clock alone
        }
        // Jitter alone must not reorder: a datagram that is not picked for reordering never overtakes another.
        at = Math.max(at, lastInOrderDeliveryNanos);
        lastInOrderDeliveryNanos = at;
        return at;
    }

    private byte[] maybeCorrupt(byte[] datagram, LinkConditions c) {
        if (datagram.length == 0 || !chance(corruptRandom, c.corruptProbability())) {
            return datagram;
        }
        corrupted++;
        byte[] copy = datagram.clone();
        int bit = corruptRandom.nextInt(copy.length * 8);
        copy[bit >>> 3] ^= (byte) (1 << (bit & 7));
        return copy;
    }

    private static boolean chance(SplittableRandom random, double probability) {
        return probability > 0 && random.nextDouble() < probability;
    }

    TransmitQueue queue() {
        return queue;
    }

    void shareQueue(TransmitQueue shared) {
        this.queue = shared;
    }

    void countDelivery(int bytes) {
        delivered++;
        bytesDelivered += bytes;
    }

    /** This direction's own conditions, or null when it follows the simulator's default. */
    LinkConditions conditions() {
        return conditions;
    }

    void setConditions(LinkConditions conditions) {
        this.conditions = conditions;
    }

    /** Datagrams the sender put on this link. */
    public long sent() {
        return sent;
    }

    /** Datagrams refused because the transmit queue was full (drop-tail). */
    public long droppedByQueue() {
        return droppedByQueue;
    }

    /** Datagrams lost at random. */
    public long lost() {
        return lost;
    }

    /** Datagrams that were sent on as two copies. */
    public long duplicated() {
        return duplicated;
    }

    /** Copies that had one bit flipped. */
    public long corrupted() {
        return corrupted;
    }

    /** Copies given an extra delay that lets later datagrams overtake them. */
    public long reordered() {
        return reordered;
    }

    /** Copies handed to the receiving engine (not counting those whose address no longer had a host). */
    public long delivered() {
        return delivered;
    }

    public long bytesDelivered() {
        return bytesDelivered;
    }

    @Override
    public String toString() {
        return "Link[" + from.address() + " -> " + to.address() + ", sent=" + sent + ", delivered=" + delivered
            + ", lost=" + lost + ", droppedByQueue=" + droppedByQueue + ", duplicated=" + duplicated
            + ", corrupted=" + corrupted + ", reordered=" + reordered + ", bytesDelivered=" + bytesDelivered + "]";
    }
}
