package nexus.proxy.endpoints;

import nexus.proxy.billing.Admission;
import nexus.proxy.routing.Target;
import nexus.proxy.usage.RecordedCall;

/**
 * One request to an endpoint on its way: who asked, where it goes, and when it started.
 *
 * @param attempt 1 for the first target tried, 2 for its fallback, …
 */
public record EndpointCall(String requestId, String conversationId, String apiKey, Target target,
                           EndpointRequest request, long startNanos, long startMillis, Admission admission,
                           int attempt)
        implements RecordedCall {

    @Override
    public String endpoint() {
        return request.endpoint().usageName();
    }
}
