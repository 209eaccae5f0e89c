package nexus.proxy.video;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Makes the ids clients see for video tasks. Nexus issues its own instead of showing the upstream's: upstream ids are
 * unique only per provider (an OpenAI-compatible server may number its tasks 1, 2, 3), yet the id alone must find the
 * task among every provider's; and an own id does not reveal which provider runs it. 128 random bits from
 * SecureRandom, since whoever learns an id learns what to ask for (the key is still needed). Thread-safe.
 */
final class VideoIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private VideoIds() {}

    static String create() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "video_" + HEX.formatHex(bytes);
    }
}
