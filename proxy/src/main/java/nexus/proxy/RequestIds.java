package nexus.proxy;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Makes the id each proxied request carries in logs, usage rows and the {@code X-Request-Id} header. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final HexFormat HEX = HexFormat.of();

    private RequestIds() {}

    public static String create() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "req_" + HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextInt());
    }
}
