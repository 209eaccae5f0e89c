package nexus.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import io.javalin.http.Context;

import nexus.shared.error.ApiError;

/**
 * Reads a request's body whole, within the size limit: 413 beyond it, {@link UnreadableBodyException} when the body
 * breaks off or its framing is malformed. Thread-safe.
 */
public final class BodyReader {

    /** The largest array the JVM allocates. */
    private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;
    /** The first buffer for a body of unknown length; it doubles as the body arrives. */
    private static final int FIRST_CHUNKED_BUFFER_BYTES = 16 * 1024;

    private final long maxRequestBytes;

    public BodyReader(long maxRequestBytes) {
        this.maxRequestBytes = Math.min(maxRequestBytes, MAX_ARRAY_BYTES);
    }

    /**
     * The body. With a Content-Length it is read straight into an array of that size (Javalin's {@code bodyAsBytes}
     * copies through an 8 KiB buffer and a growing one); without (chunked), into a buffer that grows as it arrives.
     */
    public byte[] read(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        if (length > maxRequestBytes) {
            throw ApiError.requestTooLarge(maxRequestBytes);
        }
        try {
            InputStream in = ctx.req().getInputStream();
            return length >= 0 ? exactly(in, (int) length) : untilEnd(in);
        } catch (IOException e) {
            throw new UnreadableBodyException(e);
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
    private byte[] untilEnd(InputStream in) throws IOException {
        byte[] buffer = new byte[(int) Math.min(FIRST_CHUNKED_BUFFER_BYTES, maxRequestBytes + 1)];
        int size = 0;
        for (int read = 0; read >= 0; read = in.read(buffer, size, buffer.length - size)) {
            size += read;
            if (size == buffer.length) {
                if (size > maxRequestBytes) {
                    throw ApiError.requestTooLarge(maxRequestBytes);
                }
                buffer = Arrays.copyOf(buffer, (int) Math.min(buffer.length * 2L, maxRequestBytes + 1));
            }
        }
        return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
    }
}
