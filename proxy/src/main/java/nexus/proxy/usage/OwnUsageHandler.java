package nexus.proxy.usage;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.Header;

import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.RoutingTable;
import nexus.shared.db.Database;
import nexus.shared.usage.DayModelReport;
import nexus.shared.usage.UsageWindow;

/**
 * GET /v1/usage?period=today|week|month: the caller's own usage and cost (its key's rows only) in total, by UTC day
 * and by model. A read of its own, in a deferred transaction, never on the chat path. Thread-safe.
 */
public final class OwnUsageHandler implements Handler {

    private final RoutingTable routing;
    private final Database database;
    private final Clock clock;
    private final String currency;

    public OwnUsageHandler(RoutingTable routing, Database database, Clock clock, String currency) {
        this.routing = routing;
        this.database = database;
        this.clock = clock;
        this.currency = currency;
    }

    /** The body: the period asked for, then the report. */
    public record OwnUsage(String period, @JsonUnwrapped DayModelReport report) {}

    @Override
    public void handle(Context ctx) {
        Caller caller = routing.current().authenticate(BearerKey.from(ctx.header(Header.AUTHORIZATION)));
        UsagePeriod period = UsagePeriod.named(ctx.queryParam("period"));
        UsageWindow window = period.window(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        DayModelReport report = database.inReadTransaction(handle ->
                DayModelReport.read(handle, window, window.rowsOfApiKey(caller.apiKey()), currency));
        ctx.json(new OwnUsage(period.wireName(), report));
    }
}
