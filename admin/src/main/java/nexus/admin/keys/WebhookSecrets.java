package nexus.admin.keys;

import java.security.SecureRandom;
import java.util.Base64;

/** Makes Standard Webhooks signing secrets: {@code whsec_} and 24 random bytes in base64. */
final class WebhookSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSecrets() {}

    static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return "whsec_" + Base64.getEncoder().encodeToString(bytes);
    }
}
