package io.github.udptunnel.bench.compare;

import java.lang.management.ManagementFactory;

/** Bytes allocated and CPU used by a named thread of this JVM, such as an endpoint's worker. */
final class WorkerThreads {

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private WorkerThreads() {
    }

    static long id(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t.getId();
            }
        }
        throw new IllegalStateException("no thread " + name);
    }

    static long allocatedBytes(long threadId) {
        return THREADS.getThreadAllocatedBytes(threadId);
    }

    static long cpuNanos(long threadId) {
        return THREADS.getThreadCpuTime(threadId);
    }
}
