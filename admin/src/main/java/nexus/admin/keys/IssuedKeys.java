package nexus.admin.keys;

import java.security.SecureRandom;
import java.util.Base64;

/** Makes new client keys: {@code sk-nx-} and 32 random bytes in base64url, and the prefix shown for them. */
final class IssuedKeys {

    static final String SCHEME = "sk-nx-";
    private static final int RANDOM_BYTES = 32;
    private static final int SHOWN_CHARACTERS = 4;
    private static final SecureRandom RANDOM = new SecureRandom();

    private IssuedKeys() {}

    static String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return SCHEME + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** What lists show of a key: the scheme and its first few characters, such as {@code sk-nx-AbC1…}. */
    static String prefix(String fullKey) {
        return fullKey.substring(0, SCHEME.length() + SHOWN_CHARACTERS) + "…";
    }
}
