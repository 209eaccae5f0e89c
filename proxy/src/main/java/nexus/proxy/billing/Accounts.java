package nexus.proxy.billing;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import nexus.proxy.alerts.SpendAlerts;
import nexus.shared.db.ApiKey;
import nexus.shared.db.Database;
import nexus.shared.db.LedgerDao;
import nexus.shared.db.Topup;
import nexus.shared.db.UsageDao;

/**
 * The accounts of every issued key, in memory: made at start from the ledger (costs charged so far) and the usage
 * rows (this month's spend), then kept by the proxy itself as calls settle; the admin's side (settings, top-ups) is
 * taken again at each configuration change. Thread-safe.
 */
public final class Accounts {

    private final Map<Long, Account> byKey = new ConcurrentHashMap<>();
    private final Map<Long, Long> chargedAtStart;
    private final Map<Long, Long> monthSpendAtStart;
    private final YearMonth startMonth;
    private final SpendAlerts alerts;

    private Accounts(Map<Long, Long> chargedAtStart, Map<Long, Long> monthSpendAtStart, YearMonth startMonth,
                     SpendAlerts alerts) {
        this.alerts = alerts;
        this.chargedAtStart = chargedAtStart;
        this.monthSpendAtStart = monthSpendAtStart;
        this.startMonth = startMonth;
    }

    /** Reads what the ledger and the usage rows say was spent; call once at start, before any call is admitted. */
    public static Accounts load(Database database, Clock clock, SpendAlerts alerts) {
        YearMonth month = month(clock);
        long monthStart = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        return database.inReadTransaction(handle -> new Accounts(handle.attach(LedgerDao.class).charges(),
                handle.attach(UsageDao.class).spendByKeySince(monthStart), month, alerts));
    }

    /** Applies the keys, ledger credits and latest top-ups just read from the database. */
    public void configure(List<ApiKey> keys, Map<Long, Long> credits, List<Topup> lastTopups) {
        Map<Long, Topup> lastTopupByKey = new HashMap<>();
        lastTopups.forEach(topup -> lastTopupByKey.put(topup.keyId(), topup));
        for (ApiKey key : keys) {
            byKey.computeIfAbsent(key.id(), id -> new Account(id, chargedAtStart.getOrDefault(id, 0L), startMonth,
                            monthSpendAtStart.getOrDefault(id, 0L), alerts))
                    .configure(key, credits.getOrDefault(key.id(), 0L), lastTopupByKey.get(key.id()));
        }
    }

    Account of(long keyId) {
        Account account = byKey.get(keyId);
        if (account == null) {
            throw new IllegalStateException("No account for key " + keyId + "; configure() sees every key first");
        }
        return account;
    }

    static YearMonth month(Clock clock) {
        return YearMonth.now(clock.withZone(ZoneOffset.UTC));
    }
}
