package nexus.proxy.alerts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a webhook the Standard Webhooks way (https://www.standardwebhooks.com): {@code v1,} and the base64 HMAC-SHA256
 * of {@code "{webhook-id}.{webhook-timestamp}.{body}"}, keyed with the base64-decoded part of a {@code whsec_} secret.
 * Stateless.
 */
final class WebhookSignature {

    static final String SECRET_PREFIX = "whsec_";

    private WebhookSignature() {}

    /** The {@code webhook-signature} header; throws IllegalArgumentException (naming no secret) for a malformed one. */
    static String sign(String secret, String webhookId, long timestampSeconds, String body) {
        byte[] key = key(secret);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signed = mac.doFinal((webhookId + "." + timestampSeconds + "." + body)
                    .getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] key(String secret) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the webhook secret is not whsec_ and base64");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("the webhook secret is empty");
        }
        return key;
    }
}
