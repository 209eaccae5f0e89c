package nexus.proxy.billing;

import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
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

    private static final long MILLIS_PER_DAY = 86_400_000L;

    /** The month the last call fell in: nearly every call falls in the same one. */
    private static volatile MonthSpan lastMonth = MonthSpan.containing(0);

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
        MonthSpan month = MonthSpan.containing(clock.millis());
        return database.inReadTransaction(handle -> new Accounts(handle.attach(LedgerDao.class).charges(),
                handle.attach(UsageDao.class).spendByKeySince(month.startMillis()), month.month(), alerts));
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

    /** The clock's calendar month in UTC. */
    static YearMonth month(Clock clock) {
        long now = clock.millis();
        MonthSpan last = lastMonth;
        if (!last.contains(now)) {
            last = MonthSpan.containing(now);
            lastMonth = last;
        }
        return last.month();
    }

    /** A calendar month in UTC and its bounds in epoch milliseconds, start included, end excluded. */
    private record MonthSpan(YearMonth month, long startMillis, long endMillis) {

        static MonthSpan containing(long millis) {
            YearMonth month = YearMonth.from(LocalDate.ofEpochDay(Math.floorDiv(millis, MILLIS_PER_DAY)));
            return new MonthSpan(month, startMillis(month), startMillis(month.plusMonths(1)));
        }

        boolean contains(long millis) {
            return millis >= startMillis && millis < endMillis;
        }

        private static long startMillis(YearMonth month) {
            return month.atDay(1).toEpochDay() * MILLIS_PER_DAY;
        }
    }
}
