package nexus.proxy.anthropic;

import nexus.proxy.billing.Admission;
import nexus.proxy.routing.Target;
import nexus.proxy.routing.Try;
import nexus.proxy.usage.RecordedCall;

/**
 * One Messages request on its way to a provider that speaks Anthropic's API: who asked, where it goes, and when it
 * started.
 *
 * @param version the client's {@code anthropic-version}, or null when it sent none
 * @param beta    the client's {@code anthropic-beta}, or null when it sent none
 * @param tried which attempt of the client's call this is, for which route
 */
record MessagesCall(String requestId, String conversationId, String apiKey, Target target, MessagesRequest request,
                    String version, String beta, long startNanos, long startMillis, Admission admission,
                    String owner, boolean conversationNamed, Try tried) implements RecordedCall {

    @Override
    public String endpoint() {
        return MessagesHandler.ENDPOINT;
    }
}
