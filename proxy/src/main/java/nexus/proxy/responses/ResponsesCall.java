package nexus.proxy.responses;

import nexus.proxy.billing.Admission;
import nexus.proxy.routing.Target;
import nexus.proxy.routing.Try;
import nexus.proxy.usage.RecordedCall;

/**
 * One Responses API request on its way to a server that speaks that API: who asked (and the owner its response is
 * kept for), where it goes, when it started, and the conversation it belongs to ({@code turn}, null when none).
 *
 * @param tried which attempt of the client's call this is, for which route
 */
record ResponsesCall(String requestId, String conversationId, String apiKey, String owner, Target target,
                     ResponsesRequest request, long startNanos, long startMillis, Admission admission,
                     ResponsesConversation.Turn turn, Try tried)
        implements RecordedCall {

    @Override
    public String endpoint() {
        return ResponsesHandler.ENDPOINT;
    }
}
