package nexus.proxy.usage;

import nexus.proxy.billing.Admission;
import nexus.proxy.routing.Target;
import nexus.proxy.routing.Try;

/**
 * One proxied request as its usage row names it: who asked, where it went, through which entry point, and when it
 * started ({@code startNanos} for latencies, {@code startMillis} for the row's time).
 */
public interface RecordedCall {

    String requestId();

    String conversationId();

    String apiKey();

    Target target();

    /** What the usage row calls the entry point, e.g. {@code chat.completions} or {@code embeddings}. */
    String endpoint();

    long startNanos();

    long startMillis();

    /** What the call reserved of its key's money, and settles with its cost. */
    Admission admission();

    /** Whom what the call stores belongs to (the caller's owner name); null when it stores nothing. */
    default String owner() {
        return null;
    }

    /** Which attempt of the client's call this is, for which route. */
    default Try tried() {
        return Try.FIRST;
    }

    /** True when the client named the conversation itself, rather than being given a new id. */
    default boolean conversationNamed() {
        return false;
    }
}
