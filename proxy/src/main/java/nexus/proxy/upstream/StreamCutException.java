package nexus.proxy.upstream;

import java.io.IOException;

import nexus.shared.error.ApiError;

/** An upstream stream that ended before it was complete; carries the error the client's last event shows. */
public final class StreamCutException extends IOException {

    private final transient ApiError error;

    public StreamCutException(ApiError error, Throwable cause) {
        super(error.getMessage(), cause);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
