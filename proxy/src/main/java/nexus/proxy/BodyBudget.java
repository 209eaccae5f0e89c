package nexus.proxy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps the bytes of request bodies and WebSocket frames held in memory at once, so that a burst of large legal ones is
 * refused (503 overloaded) instead of exhausting the heap. A body costs the heap about three times its size while it is
 * served: its bytes, the JSON tree parsed from it, and the copy sent upstream when one must be made (and parsing a long
 * string briefly takes more: Jackson assembles it in char buffers). So NEXUS_MAX_BUFFERED_BYTES, a share of the heap,
 * admits a third of itself in bodies, and never less than one body of the largest size allowed: an idle proxy serves
 * every legal body. Thread-safe and lock-free: a reservation is one compare-and-set.
 */
public final class BodyBudget {

    /** What one byte of a body costs the heap while its request is served (see above). */
    static final int HEAP_BYTES_PER_BODY_BYTE = 3;

    private final long maxBodyBytes;
    private final AtomicLong held = new AtomicLong();

    /**
     * @param maxBufferedBytes the heap that bodies being served may take (NEXUS_MAX_BUFFERED_BYTES)
     * @param maxRequestBytes  the largest body allowed (NEXUS_MAX_REQUEST_BYTES)
     */
    public BodyBudget(long maxBufferedBytes, long maxRequestBytes) {
        this.maxBodyBytes = Math.max(maxBufferedBytes / HEAP_BYTES_PER_BODY_BYTE, maxRequestBytes);
    }

    /** Takes {@code bytes} of body from the budget; false, taking nothing, when they do not fit. */
    public boolean tryReserve(long bytes) {
        long current;
        do {
            current = held.get();
            if (current + bytes > maxBodyBytes) {
                return false;
            }
        } while (!held.compareAndSet(current, current + bytes));
        return true;
    }

    /** Gives back what {@link #tryReserve} took. */
    public void release(long bytes) {
        held.addAndGet(-bytes);
    }
}
