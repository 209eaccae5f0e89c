package nexus.proxy.chat;

import nexus.proxy.billing.Admission;
import nexus.proxy.routing.Target;
import nexus.proxy.usage.RecordedCall;

/**
 * One chat request on its way: who asked, where it goes, and when it started.
 *
 * @param endpoint          what the usage row calls the entry point: {@code chat.completions} or {@code ws.chat}
 * @param owner             whom the conversation it is transcribed into belongs to
 * @param conversationNamed true when the client named the conversation (its transcript then goes into it if it exists)
 */
public record ChatCall(String requestId, String conversationId, String apiKey, Target target, ChatRequest request,
                       String endpoint, long startNanos, long startMillis, Admission admission, String owner,
                       boolean conversationNamed)
        implements RecordedCall {}
