package nexus.proxy.chat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;

import nexus.shared.error.ApiError;

/** Writes a stream as server-sent events, flushing after every event. One per response; one thread. */
public final class SseSink implements ChunkSink {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServletResponse response;
    private final ObjectMapper mapper;
    private OutputStream out;

    public SseSink(HttpServletResponse response, ObjectMapper mapper) {
        this.response = response;
        this.mapper = mapper;
    }

    @Override
    public void begin() {
        out = startEventStream(response);
    }

    /** Sets a 200 event-stream answer's status and headers; they leave with the first flushed event. */
    public static OutputStream startEventStream(HttpServletResponse response) {
        response.setStatus(200);
        response.setContentType("text/event-stream; charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        try {
            return response.getOutputStream();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    @Override
    public void chunk(String payload) {
        try {
            out.write(DATA);
            out.write(payload.getBytes(StandardCharsets.UTF_8));
            out.write(END_OF_EVENT);
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    @Override
    public void done(StreamSummary summary) {
        try {
            out.write(DONE);
            out.close();  // ends the response here, while the request still counts as running (see ProxyApp.close)
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    @Override
    public void error(ApiError error) {
        try {
            chunk(mapper.writeValueAsString(error.toEnvelope()));
            out.close();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An error envelope could not be written", e);
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }
}
