package nexus.admin.stats;

import nexus.shared.db.KeyUsage;
import nexus.shared.money.Money;

/**
 * One key's line in a usage report grouped by key, the cost as a decimal string. The rows of providers'
 * personalized keys are one line with a null {@code keyId}, named {@value #PERSONALIZED}. Immutable.
 */
public record KeyStatsView(Long keyId, String keyName, long requests, long promptTokens, long completionTokens,
                           long totalTokens, String cost) {

    static final String PERSONALIZED = "personalized keys";

    static KeyStatsView of(KeyUsage usage) {
        String name = usage.keyId() == null ? PERSONALIZED
                : usage.keyName() == null ? "key " + usage.keyId() : usage.keyName();
        return new KeyStatsView(usage.keyId(), name, usage.requests(), usage.promptTokens(), usage.completionTokens(),
                usage.totalTokens(), Money.format(usage.costNanos()));
    }
}
