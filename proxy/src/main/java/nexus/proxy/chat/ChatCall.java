package nexus.proxy.chat;

import nexus.proxy.billing.Admission;
import nexus.proxy.routing.Target;
import nexus.proxy.usage.RecordedCall;

/**
 * One chat request on its way: who asked, where it goes, and when it started.
 *
 * @param endpoint what the usage row calls the entry point: {@code chat.completions} or {@code ws.chat}
 */
public record ChatCall(String requestId, String conversationId, String apiKey, Target target, ChatRequest request,
                       String endpoint, long startNanos, long startMillis, Admission admission)
        implements RecordedCall {}
