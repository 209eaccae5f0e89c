package nexus.admin;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import nexus.shared.db.ApiKey;
import nexus.shared.db.Usage;
import nexus.shared.db.UsageSource;

/** A usage row as the proxy writes it, for seeding a test's database; change one part at a time. Immutable. */
record UsageRow(String apiKey, Long keyId, long providerId, String providerName, String model, String conversationId,
                long promptTokens, long completionTokens, long costNanos, Instant at, Attempt attempt) {

    private static final AtomicLong REQUEST_IDS = new AtomicLong();

    /** Which attempt of a call the row is, how it ended, and at which route; by default a plain model's first. */
    record Attempt(String route, int number, int status, boolean pastOpenCircuit) {
        static final Attempt FIRST = new Attempt(null, 1, 200, false);
    }

    /** A row of a personalized key "k1" on provider 1 "OpenAI", in conversation "c1", made at {@link AdminServer#NOW}. */
    static UsageRow of(String model, long promptTokens, long completionTokens, long costNanos) {
        return new UsageRow("k1", null, 1, "OpenAI", model, "c1", promptTokens, completionTokens, costNanos,
                AdminServer.NOW, Attempt.FIRST);
    }

    UsageRow provider(long id, String name) {
        return new UsageRow(apiKey, keyId, id, name, model, conversationId, promptTokens, completionTokens, costNanos,
                at, attempt);
    }

    /** Made with the issued key of this id. */
    UsageRow key(long id) {
        return new UsageRow(ApiKey.owner(id), id, providerId, providerName, model, conversationId, promptTokens,
                completionTokens, costNanos, at, attempt);
    }

    UsageRow conversation(String id) {
        return new UsageRow(apiKey, keyId, providerId, providerName, model, id, promptTokens, completionTokens,
                costNanos, at, attempt);
    }

    UsageRow at(String instant) {
        return new UsageRow(apiKey, keyId, providerId, providerName, model, conversationId, promptTokens,
                completionTokens, costNanos, Instant.parse(instant), attempt);
    }

    /** Attempt {@code number} of a call (to a route when not null), ended with {@code status}. */
    UsageRow attempt(String route, int number, int status) {
        return new UsageRow(apiKey, keyId, providerId, providerName, model, conversationId, promptTokens,
                completionTokens, costNanos, at, new Attempt(route, number, status, attempt.pastOpenCircuit()));
    }

    /** Tried although its target's circuit was open. */
    UsageRow pastOpenCircuit() {
        return new UsageRow(apiKey, keyId, providerId, providerName, model, conversationId, promptTokens,
                completionTokens, costNanos, at,
                new Attempt(attempt.route(), attempt.number(), attempt.status(), true));
    }

    Usage usage() {
        return new Usage(0, "req-" + REQUEST_IDS.incrementAndGet(), apiKey, providerId, providerName, model,
                conversationId, "chat.completions", false, promptTokens, completionTokens,
                promptTokens + completionTokens, UsageSource.REPORTED, attempt.status(), false,
                attempt.status() == 200 ? null : "upstream_error", 12, null, at.toEpochMilli(), 0, 0, 0, keyId,
                costNanos, false, attempt.number(), attempt.route(), attempt.pastOpenCircuit());
    }
}
