package nexus.proxy.upstream;

import nexus.shared.error.ApiError;

/**
 * A request the provider's protocol cannot express, refused before anything was sent: the client sees its 400, and
 * no usage row is recorded because no upstream was reached.
 */
public final class UntranslatableRequestException extends RuntimeException {

    private final transient ApiError error;

    public UntranslatableRequestException(ApiError error) {
        super(error.getMessage(), null, false, false);
        this.error = error;
    }

    /** A 400 {@code invalid_request} naming the field that cannot be translated. */
    public static UntranslatableRequestException field(String message, String param) {
        return new UntranslatableRequestException(ApiError.invalidRequest(message, param));
    }

    public ApiError error() {
        return error;
    }
}
