package nexus.proxy;

import io.javalin.http.Context;

/**
 * Where the headers of an answer go before its first byte. {@link #set} replaces a header of the same name (a failover
 * names each attempt's target again); {@link #add} appends a header the answer gets once, without first looking
 * through the ones already set for its name, which is most of what setting a header costs.
 */
@FunctionalInterface
public interface AnswerHeaders {

    /** For an answer without headers (a WebSocket frame). */
    AnswerHeaders NONE = (name, value) -> { };

    void set(String name, String value);

    /** Appends a header that nothing has set on this answer and nothing will set again. */
    default void add(String name, String value) {
        set(name, value);
    }

    /** The headers of an HTTP answer. */
    static AnswerHeaders of(Context ctx) {
        return new AnswerHeaders() {
            @Override
            public void set(String name, String value) {
                ctx.header(name, value);
            }

            @Override
            public void add(String name, String value) {
                ctx.res().addHeader(name, value);
            }
        };
    }
}
