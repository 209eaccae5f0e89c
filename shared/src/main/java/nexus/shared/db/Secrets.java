package nexus.shared.db;

/** Masks secrets for display: {@code sk-proj-abcdef123456} becomes {@code sk-…3456}. Stateless. */
public final class Secrets {

    private static final String ELLIPSIS = "…";

    private Secrets() {}

    /** Shows at most the first 3 and last 4 characters, and only of a key long enough to keep most of it hidden. */
    public static String mask(String secret) {
        if (secret == null || secret.isEmpty()) {
            return "";
        }
        if (secret.length() >= 12) {
            return secret.substring(0, 3) + ELLIPSIS + secret.substring(secret.length() - 4);
        }
        return ELLIPSIS;
    }

    /** A short, non-secret prefix of a client key for logs (at most 6 characters); an issued key's key:<id> whole. */
    public static String prefix(String key) {
        if (key == null || key.isEmpty()) {
            return "-";
        }
        if (key.startsWith(ApiKey.OWNER_PREFIX)) {
            return key;  // an issued key's name, key:<id>, which is no secret
        }
        return key.length() <= 8 ? key.charAt(0) + ELLIPSIS : key.substring(0, 6) + ELLIPSIS;
    }
}
