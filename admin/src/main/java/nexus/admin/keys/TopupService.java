package nexus.admin.keys;

import java.time.Clock;
import java.util.List;

import nexus.admin.provider.Timestamps;
import nexus.shared.db.ApiKey;
import nexus.shared.db.ApiKeyDao;
import nexus.shared.db.Database;
import nexus.shared.db.LedgerDao;
import nexus.shared.db.Topup;
import nexus.shared.error.ApiError;
import nexus.shared.money.Money;

/**
 * Adds money to keys' balances, once per idempotency key: top-ups run one at a time in write transactions, so two
 * copies of the same top-up arriving together add it once. The first top-up makes a key metered. Thread-safe.
 */
final class TopupService {

    private final Database database;
    private final Clock clock;
    private final String currency;

    TopupService(Database database, Clock clock, String currency) {
        this.database = database;
        this.clock = clock;
        this.currency = currency;
    }

    /** A top-up as answered, with the key's balance after it; {@code created} is false for a repeat. */
    record TopupResult(boolean created, TopupView topup, String balance, String currency) {}

    /** A top-up as the API shows it. */
    record TopupView(long id, long keyId, String amount, String idempotencyKey, String note, String createdAt) {
        static TopupView of(Topup topup) {
            return new TopupView(topup.id(), topup.keyId(), Money.format(topup.amountNanos()),
                    topup.idempotencyKey(), topup.note(), Timestamps.iso(topup.createdAtMillis()));
        }
    }

    TopupResult topUp(long keyId, TopupRequest request) {
        return database.inTransaction(handle -> {
            ApiKey key = KeyService.find(handle, keyId);
            LedgerDao ledger = handle.attach(LedgerDao.class);
            var existing = ledger.findTopup(keyId, request.idempotencyKey());
            if (existing.isPresent()) {
                if (existing.get().amountNanos() != request.amountNanos()) {
                    throw ApiError.conflict("The idempotency key '" + request.idempotencyKey()
                            + "' was used for a top-up of " + Money.format(existing.get().amountNanos()) + " " + currency
                            + "; a different amount needs a new idempotency key.", "idempotency_key");
                }
                return new TopupResult(false, TopupView.of(existing.get()), Money.format(ledger.balance(keyId)),
                        currency);
            }
            long now = clock.millis();
            long id = ledger.insertTopup(keyId, request.idempotencyKey(), request.amountNanos(), request.note(), now);
            ledger.insertTopupEntry(keyId, id, request.amountNanos(), request.note(), now);
            if (!key.metered()) {
                handle.attach(ApiKeyDao.class).update(key.asMetered(now));
            }
            Topup topup = new Topup(id, keyId, request.idempotencyKey(), request.amountNanos(), request.note(), now);
            return new TopupResult(true, TopupView.of(topup), Money.format(ledger.balance(keyId)), currency);
        });
    }

    List<TopupView> list(long keyId) {
        return database.inReadTransaction(handle -> {
            KeyService.find(handle, keyId);
            return handle.attach(LedgerDao.class).listTopups(keyId).stream().map(TopupView::of).toList();
        });
    }
}
