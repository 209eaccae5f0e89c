package nexus.proxy.billing;

import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.usage.TokenUsage;
import nexus.shared.money.Money;

/**
 * What one call cost, in nano-units of {@code currency}, and the balance it left ({@code balanceNanos} null for a key
 * without a prepaid balance). {@code shown} says whether answers carry it: the model is priced or the key has a
 * balance.
 */
public record Charge(long costNanos, Long balanceNanos, boolean billedToBalance, boolean shown, String currency) {

    /** The {@code X-Nexus-Cost} header: a call's cost. */
    public static final String COST_HEADER = "X-Nexus-Cost";
    /** The {@code X-Nexus-Balance} header: a key's balance before the call. */
    public static final String BALANCE_HEADER = "X-Nexus-Balance";
    public static final Charge NONE = new Charge(0, null, false, false, null);

    /** The platform's {@code billing} object, its money as strings: tokens, cost, balance (null without one), currency. */
    public ObjectNode describe(TokenUsage used, ObjectNode into) {
        into.put("input_tokens", used.promptTokens());
        into.put("output_tokens", used.completionTokens());
        into.put("total_tokens", used.totalTokens());
        into.put("cost", Money.format(costNanos));
        into.put("balance", balanceNanos == null ? null : Money.format(balanceNanos));
        into.put("currency", currency);
        return into;
    }
}
