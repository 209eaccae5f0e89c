package nexus.admin;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import nexus.shared.db.ApiKey;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** A usage row as the proxy writes it, for seeding a test's database; change one part at a time. Immutable. */
record UsageRow(String apiKey, Long keyId, long providerId, String providerName, String model, String conversationId,
                long promptTokens, long completionTokens, long costNanos, Instant at) {

    private static final AtomicLong REQUEST_IDS = new AtomicLong();

    /** A row of a personalized key "k1" on provider 1 "OpenAI", in conversation "c1", made at {@link AdminServer#NOW}. */
    static UsageRow of(String model, long promptTokens, long completionTokens, long costNanos) {
        return new UsageRow("k1", null, 1, "OpenAI", model, "c1", promptTokens, completionTokens, costNanos,
                AdminServer.NOW);
    }

    UsageRow provider(long id, String name) {
        return new UsageRow(apiKey, keyId, id, name, model, conversationId, promptTokens, completionTokens, costNanos,
                at);
    }

    /** Made with the issued key of this id. */
    UsageRow key(long id) {
        return new UsageRow(ApiKey.owner(id), id, providerId, providerName, model, conversationId, promptTokens,
                completionTokens, costNanos, at);
    }

    UsageRow conversation(String id) {
        return new UsageRow(apiKey, keyId, providerId, providerName, model, id, promptTokens, completionTokens,
                costNanos, at);
    }

    UsageRow at(String instant) {
        return new UsageRow(apiKey, keyId, providerId, providerName, model, conversationId, promptTokens,
                completionTokens, costNanos, Instant.parse(instant));
    }

    Usage usage() {
        return new Usage(0, "req-" + REQUEST_IDS.incrementAndGet(), apiKey, providerId, providerName, model,
                conversationId, "chat.completions", false, promptTokens, completionTokens,
                promptTokens + completionTokens, UsageSource.REPORTED, 200, false, null, 12, null, at.toEpochMilli(), 0,
                0, 0, keyId, costNanos, false);
    }
}
