package nexus.proxy.chat;

import nexus.proxy.RequestIds;
import nexus.proxy.billing.Admission;
import nexus.proxy.routing.Target;
import nexus.proxy.routing.Try;
import nexus.proxy.usage.RecordedCall;

/**
 * One chat request on its way: who asked, where it goes, and when it started.
 *
 * @param endpoint          what the usage row calls the entry point: {@code chat.completions} or {@code ws.chat}
 * @param owner             whom the conversation it is transcribed into belongs to
 * @param conversationNamed true when the client named the conversation (its transcript then goes into it if it exists)
 * @param tried             which attempt of the client's call this is, for which route
 */
public record ChatCall(String requestId, String conversationId, String apiKey, Target target, ChatRequest request,
                       String endpoint, long startNanos, long startMillis, Admission admission, String owner,
                       boolean conversationNamed, Try tried)
        implements RecordedCall {

    /** The first attempt of a call for a plain model name. */
    public ChatCall(String requestId, String conversationId, String apiKey, Target target, ChatRequest request,
                    String endpoint, long startNanos, long startMillis, Admission admission, String owner,
                    boolean conversationNamed) {
        this(requestId, conversationId, apiKey, target, request, endpoint, startNanos, startMillis, admission, owner,
                conversationNamed, Try.FIRST);
    }

    /**
     * This call as the attempt {@code tried}, at a target under its own admission; after the first, its request id
     * is this call's with {@code -number} appended, so each attempt is a usage row of its own.
     */
    public ChatCall retarget(Target next, Admission nextAdmission, Try tried) {
        return new ChatCall(RequestIds.ofAttempt(requestId, tried.number()), conversationId, apiKey, next, request,
                endpoint, startNanos, startMillis, nextAdmission, owner, conversationNamed, tried);
    }
}
