package nexus.proxy.video;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockResponseBody;
import okio.BufferedSink;

/** Test helper: an upstream body that sends its first bytes, then holds the rest until the test releases it. */
record HeldBody(byte[] bytes, int firstBytes, CountDownLatch release) implements MockResponseBody {

    @Override
    public long getContentLength() {
        return bytes.length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
        sink.write(bytes, 0, firstBytes);
        sink.flush();
        try {
            if (!release.await(10, TimeUnit.SECONDS)) {
                throw new IOException("The test never released the body");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while held", e);
        }
        sink.write(bytes, firstBytes, bytes.length - firstBytes);
        sink.flush();
    }
}
