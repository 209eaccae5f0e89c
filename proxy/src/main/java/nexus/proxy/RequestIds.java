package nexus.proxy;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes the id each proxied request carries in logs, usage rows and the {@code X-Request-Id} header: {@code req_},
 * then the time in milliseconds and 48 random bits, 12 hex digits each. An id made later sorts later, so the usage
 * table's unique index on request ids grows at its end; wholly random ids scattered its pages, which tripled the cost
 * of writing a row.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final HexFormat HEX = HexFormat.of();
    private static final int DIGITS = 12;

    private RequestIds() {}

    public static String create() {
        return "req_" + HEX.toHexDigits(System.currentTimeMillis(), DIGITS)
                + HEX.toHexDigits(ThreadLocalRandom.current().nextLong(), DIGITS);
    }

    /**
     * The id of attempt {@code number} of a request: the request's own for the first, with {@code -number} appended
     * after it, so each attempt is a usage row of its own.
     */
    public static String ofAttempt(String requestId, int number) {
        return number == 1 ? requestId : requestId + "-" + number;
    }
}
