package nexus.shared.db;

import java.util.List;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.customizer.Define;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * SQL for usage reports over a {@link UsageRange}: sums in total and by day, model, provider, key or route, costs
 * summed as integers. Pass {@code range.condition()} as {@code condition} and the range itself. Thread-safe.
 */
@RegisterConstructorMapper(UsageTotals.class)
@RegisterConstructorMapper(DayUsage.class)
@RegisterConstructorMapper(ModelUsage.class)
@RegisterConstructorMapper(ProviderUsage.class)
@RegisterConstructorMapper(KeyUsage.class)
@RegisterConstructorMapper(RouteUsage.class)
public interface UsageReportDao {

    /** A UTC day as a number of days since the epoch, in portable integer arithmetic. */
    String EPOCH_DAY = "created_at_millis / 86400000";

    @SqlQuery("SELECT " + UsageDao.SUMS + " FROM usage WHERE <condition>")
    UsageTotals totals(@Define("condition") String condition, @BindMethods UsageRange range);

    /** The days that have rows, oldest first. */
    @SqlQuery("SELECT " + EPOCH_DAY + " AS epoch_day, " + UsageDao.SUMS + " FROM usage WHERE <condition>"
            + " GROUP BY " + EPOCH_DAY + " ORDER BY " + EPOCH_DAY)
    List<DayUsage> byDay(@Define("condition") String condition, @BindMethods UsageRange range);

    @SqlQuery("SELECT model, " + UsageDao.SUMS + " FROM usage WHERE <condition> GROUP BY model ORDER BY model")
    List<ModelUsage> byModel(@Define("condition") String condition, @BindMethods UsageRange range);

    @SqlQuery("SELECT provider_id, " + UsageDao.PROVIDER_NAME + ", " + UsageDao.SUMS + " FROM usage WHERE <condition>"
            + " GROUP BY provider_id ORDER BY provider_id")
    List<ProviderUsage> byProvider(@Define("condition") String condition, @BindMethods UsageRange range);

    /** Personalized keys' rows (no key id) first, then each issued key by id, named as it is named now. */
    @SqlQuery("SELECT key_id, (SELECT name FROM api_key WHERE api_key.id = usage.key_id) AS key_name, "
            + UsageDao.SUMS + " FROM usage WHERE <condition> GROUP BY key_id ORDER BY COALESCE(key_id, 0)")
    List<KeyUsage> byKey(@Define("condition") String condition, @BindMethods UsageRange range);

    /** The rows of plain model names (no route) first, then each route by name, with its failover counts. */
    @SqlQuery("SELECT route, " + UsageDao.SUMS + ", SUM(attempt > 1) AS fallbacks, SUM(status <> 200) AS failed,"
            + " SUM(past_open_circuit) AS past_open_circuit FROM usage WHERE <condition>"
            + " GROUP BY route ORDER BY route IS NOT NULL, route")
    List<RouteUsage> byRoute(@Define("condition") String condition, @BindMethods UsageRange range);
}
