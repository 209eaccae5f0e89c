package nexus.shared.usage;

import nexus.shared.db.UsageTotals;
import nexus.shared.money.Money;

/** The totals of a usage report as the wire shows them, the cost as a decimal string. Immutable. */
public record TotalsLine(long requests, long promptTokens, long completionTokens, long totalTokens, String cost) {

    public static TotalsLine of(UsageTotals totals) {
        return new TotalsLine(totals.requests(), totals.promptTokens(), totals.completionTokens(),
                totals.totalTokens(), Money.format(totals.costNanos()));
    }
}
