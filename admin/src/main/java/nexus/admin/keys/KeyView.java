package nexus.admin.keys;

import java.net.URI;
import java.util.List;

import nexus.admin.provider.Timestamps;
import nexus.shared.db.ApiKey;
import nexus.shared.money.Money;

/**
 * An issued key as the admin API shows it: never the key nor its hash, the webhook URL cut to its origin (its path
 * may hold a token). {@code balance} is null for a key without a prepaid balance. Immutable.
 */
record KeyView(long id, String name, String prefix, boolean enabled, List<String> models, Integer rpm, Integer tpm,
               String expiresAt, boolean expired, String monthlySpendCapUsd, boolean metered, String balance,
               String currency, String alertWebhook, String createdAt, String updatedAt, String regionPolicy) {

    static KeyView of(ApiKey key, long balanceNanos, String currency, long nowMillis) {
        Long expires = key.expiresAtMillis();
        return new KeyView(key.id(), key.name(), key.keyPrefix(), key.enabled(), key.modelNames(), key.rpm(),
                key.tpm(), expires == null ? null : Timestamps.iso(expires), expires != null && expires <= nowMillis,
                key.monthlySpendCapNanos() == null ? null : Money.format(key.monthlySpendCapNanos()), key.metered(),
                key.metered() ? Money.format(balanceNanos) : null, currency, origin(key.alertWebhookUrl()),
                Timestamps.iso(key.createdAtMillis()), Timestamps.iso(key.updatedAtMillis()), key.regionPolicy());
    }

    private static String origin(String url) {
        if (url.isEmpty()) {
            return null;
        }
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority() + "/…";
    }
}
