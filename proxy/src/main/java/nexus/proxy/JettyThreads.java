package nexus.proxy;

import java.util.concurrent.Executors;

import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty's threads for the proxy: its selector and acceptor on a few platform threads, each request's handler on a
 * virtual thread of its own. (Javalin's virtual-thread pool runs the selector loop on a virtual thread too, and a
 * virtual thread's select goes through the JDK's poller: an extra epoll registration and wake-up per event.)
 */
final class JettyThreads {

    private static final int MAX_PLATFORM_THREADS = 8;
    private static final int MIN_PLATFORM_THREADS = 2;

    private JettyThreads() {}

    static QueuedThreadPool create() {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_PLATFORM_THREADS, MIN_PLATFORM_THREADS);
        pool.setName("proxy-jetty");
        pool.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("proxy-request-", 0).factory()));
        return pool;
    }
}
