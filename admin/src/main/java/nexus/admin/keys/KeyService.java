package nexus.admin.keys;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;

import org.jdbi.v3.core.Handle;

import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;
import nexus.shared.db.ConversationDao;
import nexus.shared.db.Database;
import nexus.shared.db.LedgerDao;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;
import nexus.shared.money.Money;
import nexus.shared.secret.KeyHash;

/** Issues, lists, changes, rotates and revokes client keys; knows nothing of HTTP. Thread-safe. */
final class KeyService {

    /** Requests a minute of a new key unless its creation says otherwise: the platform's default. */
    static final int DEFAULT_RPM = 100;

    private final Database database;
    private final Clock clock;
    private final String currency;

    KeyService(Database database, Clock clock, String currency) {
        this.database = database;
        this.clock = clock;
        this.currency = currency;
    }

    /** A key as created or rotated: the full key, answered this once, and the key as lists show it. */
    record IssuedKey(String fullKey, KeyView key) {}

    List<KeyView> list() {
        return database.inReadTransaction(handle -> handle.attach(ApiKeyDao.class).listActive().stream()
                .map(key -> view(handle, key)).toList());
    }

    KeyView get(long id) {
        return database.inReadTransaction(handle -> view(handle, find(handle, id)));
    }

    IssuedKey create(KeyRequest request) {
        if (request.name() == null) {
            throw ApiError.invalidRequest("'name' is required (1 to " + KeyRequest.MAX_NAME_LENGTH
                    + " characters).", "name");
        }
        String fullKey = IssuedKeys.generate();
        long now = clock.millis();
        ApiKey key = new ApiKey(0, request.name(), KeyHash.of(fullKey), IssuedKeys.prefix(fullKey),
                request.enabled() == null || request.enabled(),
                ApiKey.models(request.models() == null ? List.of() : request.models()),
                request.cleared().contains("rpm") ? null : request.rpm() == null ? DEFAULT_RPM : request.rpm(),
                request.tpm(), request.expiresAtMillis(), false,
                request.monthlySpendCap() == null ? null : Money.toNanos(request.monthlySpendCap()), "", "", null,
                now, now, request.regionPolicy() == null ? ApiKey.ANY_REGION : request.regionPolicy());
        return database.inTransaction(handle -> {
            long id = handle.attach(ApiKeyDao.class).insert(key);
            return new IssuedKey(fullKey, view(handle, find(handle, id)));
        });
    }

    KeyView update(long id, KeyRequest request) {
        return change(id, current -> new ApiKey(id,
                request.name() == null ? current.name() : request.name(), current.keyHash(), current.keyPrefix(),
                request.enabled() == null ? current.enabled() : request.enabled(),
                request.models() == null ? current.models() : ApiKey.models(request.models()),
                pick(request, "rpm", request.rpm(), current.rpm()), pick(request, "tpm", request.tpm(), current.tpm()),
                pick(request, "expires_at", request.expiresAtMillis(), current.expiresAtMillis()), current.metered(),
                pick(request, "monthly_spend_cap_usd",
                        request.monthlySpendCap() == null ? null : Money.toNanos(request.monthlySpendCap()),
                        current.monthlySpendCapNanos()),
                current.alertWebhookUrl(), current.alertWebhookSecret(), null, current.createdAtMillis(),
                clock.millis(), request.regionPolicy() == null ? current.regionPolicy() : request.regionPolicy()));
    }

    /** Sets this month's spending cap, or removes it when null. */
    KeyView spendCap(long id, BigDecimal cap) {
        return change(id, current -> current.withSpendCap(cap == null ? null : Money.toNanos(cap), clock.millis()));
    }

    /** A new full key for the same key id; the old one stops working at once. */
    IssuedKey rotate(long id) {
        String fullKey = IssuedKeys.generate();
        KeyView view = change(id, current -> current.withHash(KeyHash.of(fullKey), IssuedKeys.prefix(fullKey),
                clock.millis()));
        return new IssuedKey(fullKey, view);
    }

    /** Sets the alert webhook and a new signing secret (answered this once), or clears both. */
    WebhookSet alertWebhook(long id, String url) {
        String secret = url == null ? "" : WebhookSecrets.generate();
        String checkedUrl = url == null ? "" : WebhookUrls.checked(url);
        KeyView view = change(id, current -> current.withAlertWebhook(checkedUrl, secret, clock.millis()));
        return new WebhookSet(view, url == null ? null : secret);
    }

    /** The key after an alert webhook change, and the signing secret when one was made. */
    record WebhookSet(KeyView key, String secret) {}

    /**
     * Revokes a key for good. Its conversations are kept unless asked: they stay readable on the admin API under
     * owner {@code key:<id>}, and no key can reach them on the proxy any more.
     */
    void revoke(long id, boolean deleteConversations) {
        database.inTransaction(handle -> {
            if (!handle.attach(ApiKeyDao.class).revoke(id, clock.millis())) {
                throw notFound(id);
            }
            if (deleteConversations) {
                handle.attach(ConversationDao.class).deleteByOwner(ApiKey.owner(id));
            }
            return null;
        });
    }

    private KeyView change(long id, java.util.function.UnaryOperator<ApiKey> change) {
        return database.inTransaction(handle -> {
            ApiKeyDao keys = handle.attach(ApiKeyDao.class);
            ApiKey changed = change.apply(find(handle, id));
            keys.update(changed);
            return view(handle, changed);
        });
    }

    private static <T> T pick(KeyRequest request, String field, T sent, T current) {
        return sent != null ? sent : request.cleared().contains(field) ? null : current;
    }

    KeyView view(Handle handle, ApiKey key) {
        long balance = key.metered() ? handle.attach(LedgerDao.class).balance(key.id()) : 0;
        return KeyView.of(key, balance, currency, clock.millis());
    }

    static ApiKey find(Handle handle, long id) {
        return handle.attach(ApiKeyDao.class).findActive(id).orElseThrow(() -> notFound(id));
    }

    static ApiError notFound(long id) {
        return ApiError.of(ErrorCode.NOT_FOUND, "id", "Key " + id + " not found (or revoked).");
    }
}
