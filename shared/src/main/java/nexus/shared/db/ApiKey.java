package nexus.shared.db;

import java.util.List;

import org.jdbi.v3.core.mapper.reflect.JdbiConstructor;

/**
 * One row of {@code api_key}: a client key the admin issued, known by its SHA-256 and display prefix only, with what
 * it may use and its limits. {@code models} holds the model and route names it may use, one per line (empty: all);
 * {@code metered} keys spend a prepaid balance; the webhook URL and secret are encrypted at rest; null limits are off;
 * {@code regionPolicy} ({@code any}, {@code cn-only}, {@code overseas-only}) says which providers' regions it may use.
 */
public record ApiKey(long id, String name, String keyHash, String keyPrefix, boolean enabled, String models,
                     Integer rpm, Integer tpm, Long expiresAtMillis, boolean metered, Long monthlySpendCapNanos,
                     @Encrypted String alertWebhookUrl, @Encrypted String alertWebhookSecret, Long revokedAtMillis,
                     long createdAtMillis, long updatedAtMillis, String regionPolicy) {

    /** The policy of a key that may use providers of any region. */
    public static final String ANY_REGION = "any";

    @JdbiConstructor
    public ApiKey {}

    /** A key that may use providers of any region. */
    public ApiKey(long id, String name, String keyHash, String keyPrefix, boolean enabled, String models, Integer rpm,
                  Integer tpm, Long expiresAtMillis, boolean metered, Long monthlySpendCapNanos, String alertWebhookUrl,
                  String alertWebhookSecret, Long revokedAtMillis, long createdAtMillis, long updatedAtMillis) {
        this(id, name, keyHash, keyPrefix, enabled, models, rpm, tpm, expiresAtMillis, metered, monthlySpendCapNanos,
                alertWebhookUrl, alertWebhookSecret, revokedAtMillis, createdAtMillis, updatedAtMillis, ANY_REGION);
    }

    /** The model and route names this key may use; empty when it may use every enabled one. */
    public List<String> modelNames() {
        return models.isEmpty() ? List.of() : List.of(models.split("\n"));
    }

    /** The stored form of a list of model names. */
    public static String models(List<String> names) {
        return String.join("\n", names);
    }

    /** The owner name of what this key stores (conversations, responses, videos), and its usage rows' key column. */
    public String owner() {
        return owner(id);
    }

    public static String owner(long keyId) {
        return OWNER_PREFIX + keyId;
    }

    /** What the owner name of every issued key starts with. */
    public static final String OWNER_PREFIX = "key:";

    public ApiKey withHash(String hash, String prefix, long now) {
        return new ApiKey(id, name, hash, prefix, enabled, models, rpm, tpm, expiresAtMillis, metered,
                monthlySpendCapNanos, alertWebhookUrl, alertWebhookSecret, revokedAtMillis, createdAtMillis, now,
                regionPolicy);
    }

    public ApiKey withSpendCap(Long capNanos, long now) {
        return new ApiKey(id, name, keyHash, keyPrefix, enabled, models, rpm, tpm, expiresAtMillis, metered, capNanos,
                alertWebhookUrl, alertWebhookSecret, revokedAtMillis, createdAtMillis, now,
                regionPolicy);
    }

    public ApiKey withAlertWebhook(String url, String secret, long now) {
        return new ApiKey(id, name, keyHash, keyPrefix, enabled, models, rpm, tpm, expiresAtMillis, metered,
                monthlySpendCapNanos, url, secret, revokedAtMillis, createdAtMillis, now,
                regionPolicy);
    }

    public ApiKey asMetered(long now) {
        return new ApiKey(id, name, keyHash, keyPrefix, enabled, models, rpm, tpm, expiresAtMillis, true,
                monthlySpendCapNanos, alertWebhookUrl, alertWebhookSecret, revokedAtMillis, createdAtMillis, now,
                regionPolicy);
    }

    @Override
    public String toString() {
        return "ApiKey[id=" + id + ", name=" + name + ", prefix=" + keyPrefix + ", enabled=" + enabled + "]";
    }
}
