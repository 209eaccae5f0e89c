package nexus.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import io.javalin.http.Context;
import io.javalin.http.Handler;

import nexus.shared.error.ApiError;

/**
 * Reads a request's body whole, within the size limit (413 beyond it) and the memory budget (503 overloaded when the
 * bodies already held leave no room; what a request took is given back by {@link #release} when it is over).
 * {@link UnreadableBodyException} when the body breaks off or its framing is malformed. Thread-safe.
 */
public final class BodyReader {

    /** The largest array the JVM allocates. */
    private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;
    /** The first buffer for a body of unknown length; it doubles as the body arrives. */
    private static final int FIRST_CHUNKED_BUFFER_BYTES = 16 * 1024;
    /** The buffer the rest of a refused body is read into and dropped. */
    private static final int DISCARD_BUFFER_BYTES = 8 * 1024;
    /** The request attribute holding the bytes this request took from the budget. */
    private static final String RESERVED_BYTES = "nexus.reservedBodyBytes";

    private final long maxRequestBytes;
    private final BodyBudget budget;

    public BodyReader(long maxRequestBytes, BodyBudget budget) {
        this.maxRequestBytes = Math.min(maxRequestBytes, MAX_ARRAY_BYTES);
        this.budget = budget;
    }

    /**
     * The body. With a Content-Length, the budget is taken first and the body read straight into an array of that size
     * (Javalin's {@code bodyAsBytes} copies through an 8 KiB buffer and a growing one); without (chunked), into a
     * buffer that grows as the body arrives, taking the budget as it grows.
     */
    public byte[] read(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        if (length > maxRequestBytes) {
            throw ApiError.requestTooLarge(maxRequestBytes);
        }
        try {
            InputStream in = ctx.req().getInputStream();
            if (length >= 0) {
                reserve(ctx, in, length);
                return exactly(in, (int) length);
            }
            return untilEnd(ctx, in);
        } catch (IOException e) {
            throw new UnreadableBodyException(e);
        }
    }

    /**
     * Wraps a handler that reads its body here so that what the body took from the budget is given back when the
     * handler is over, not before: the body stays referenced (by the parsed request, the upstream call, the usage
     * record) until then.
     */
    public Handler releasing(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } finally {
                Long reserved = ctx.attribute(RESERVED_BYTES);
                if (reserved != null) {
                    budget.release(reserved);
                }
            }
        };
    }

    /**
     * Takes {@code bytes} more for the request; 503 overloaded when the budget has no room, once the rest of the body
     * has been read and dropped: a client still sending when the connection closes would see a broken pipe, not 503.
     */
    private void reserve(Context ctx, InputStream in, long bytes) {
        if (!budget.tryReserve(bytes)) {
            discardRest(in);
            throw ApiError.overloaded();
        }
        Long reserved = ctx.attribute(RESERVED_BYTES);
        ctx.attribute(RESERVED_BYTES, reserved == null ? bytes : reserved + bytes);
    }

    /** Reads what is left of the body into a small buffer and drops it, up to the size limit. */
    private void discardRest(InputStream in) {
        byte[] scratch = new byte[DISCARD_BUFFER_BYTES];
        try {
            long dropped = 0;
            int read;
            while (dropped <= maxRequestBytes && (read = in.read(scratch)) >= 0) {
                dropped += read;
            }
        } catch (IOException e) {
            // the client gave up: nothing more to drop
        }
    }

    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("The request body ended after " + body.length + " of " + length + " bytes");
        }
        return body;
    }

    /** A body of unknown length, refused with 413 as soon as it passes the limit. */
    private byte[] untilEnd(Context ctx, InputStream in) throws IOException {
        byte[] buffer = new byte[(int) Math.min(FIRST_CHUNKED_BUFFER_BYTES, maxRequestBytes + 1)];
        reserve(ctx, in, buffer.length);
        int size = 0;
        for (int read = 0; read >= 0; read = in.read(buffer, size, buffer.length - size)) {
            size += read;
            if (size == buffer.length) {
                if (size > maxRequestBytes) {
                    throw ApiError.requestTooLarge(maxRequestBytes);
                }
                int grown = (int) Math.min(buffer.length * 2L, maxRequestBytes + 1);
                reserve(ctx, in, grown - buffer.length);
                buffer = Arrays.copyOf(buffer, grown);
            }
        }
        return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
    }
}
