package nexus.proxy.endpoints;

import nexus.proxy.billing.Admission;
import nexus.proxy.routing.Target;
import nexus.proxy.usage.RecordedCall;

/** One request to an endpoint on its way: who asked, where it goes, and when it started. */
public record EndpointCall(String requestId, String conversationId, String apiKey, Target target,
                           EndpointRequest request, long startNanos, long startMillis, Admission admission)
        implements RecordedCall {

    @Override
    public String endpoint() {
        return request.endpoint().usageName();
    }
}
