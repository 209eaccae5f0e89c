package nexus.proxy.billing;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.Header;

import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.RoutingTable;
import nexus.shared.db.ApiKey;
import nexus.shared.money.Money;

/**
 * GET /v1/balance: the caller's own money, from the proxy's accounts (no database read): the balance (null for a key
 * without one, and for a provider's personalized key), what running calls have reserved, this month's spend and cap.
 * Thread-safe.
 */
public final class BalanceHandler implements Handler {

    private final RoutingTable routing;

    public BalanceHandler(RoutingTable routing) {
        this.routing = routing;
    }

    /** The body; money as decimal strings. */
    public record Balance(Long keyId, String name, String balance, String reserved, String currency, String month,
                          String monthSpend, String monthlySpendCapUsd) {}

    @Override
    public void handle(Context ctx) {
        Caller caller = routing.current().authenticate(BearerKey.from(ctx.header(Header.AUTHORIZATION)));
        ApiKey key = caller.key();
        Billing billing = routing.billing();
        if (key == null) {
            ctx.json(new Balance(null, null, null, Money.format(0), billing.currency(), billing.month().toString(),
                    null, null));
            return;
        }
        Account.Standing standing = billing.standing(key.id());
        ctx.json(new Balance(key.id(), key.name(), format(standing.balanceNanos()), Money.format(standing.reservedNanos()),
                billing.currency(), billing.month().toString(), Money.format(standing.monthSpendNanos()),
                format(standing.capNanos())));
    }

    private static String format(Long nanos) {
        return nanos == null ? null : Money.format(nanos);
    }
}
