package io.github.udptunnel.autoconfigure;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * The threads the starter makes for itself: virtual threads where the JDK has them (21 and later, through Spring's
 * {@link VirtualThreadTaskExecutor}, so this compiles for 17), daemon platform threads otherwise.
 */
public final class TunnelThreads {

    private TunnelThreads() {
    }

    /** True on a JDK with virtual threads (21 and later). */
    public static boolean virtualThreadsAvailable() {
        return Runtime.version().feature() >= 21;
    }

    /** A new virtual thread per task; only where {@link #virtualThreadsAvailable()}. */
    public static Executor virtual(String prefix) {
        return new VirtualThreadTaskExecutor(prefix);
    }

    /** A fixed pool of {@code threads} daemon threads with a queue (bound the work elsewhere). */
    public static ExecutorService fixed(String prefix, int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), daemon(prefix));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Daemon threads made as needed and dropped after a minute idle. */
    public static ExecutorService cached(String prefix) {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
            daemon(prefix));
    }

    /** Virtual threads when available, else {@link #cached}. */
    public static Executor perTask(String prefix) {
        return virtualThreadsAvailable() ? virtual(prefix) : cached(prefix);
    }

    /** Shuts down an executor the starter made; a no-op for virtual threads. */
    public static void shutdown(Executor executor) {
        if (executor instanceof ExecutorService service) {
            service.shutdown();
        }
    }

    /** A daemon platform thread, for long-lived readers. */
    public static Thread daemonThread(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return task -> daemonThread(prefix + n.incrementAndGet(), task);
    }
}
