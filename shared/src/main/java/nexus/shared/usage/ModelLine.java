package nexus.shared.usage;

import nexus.shared.db.ModelUsage;
import nexus.shared.money.Money;

/** One model's line of a stats answer or usage report, the cost as a decimal string. Immutable. */
public record ModelLine(String model, long requests, long promptTokens, long completionTokens, long totalTokens,
                        String cost) {

    public static ModelLine of(ModelUsage usage) {
        return new ModelLine(usage.model(), usage.requests(), usage.promptTokens(), usage.completionTokens(),
                usage.totalTokens(), Money.format(usage.costNanos()));
    }
}
