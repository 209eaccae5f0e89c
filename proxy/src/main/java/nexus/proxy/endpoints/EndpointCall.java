package nexus.proxy.endpoints;

import nexus.proxy.billing.Admission;
import nexus.proxy.routing.Target;
import nexus.proxy.routing.Try;
import nexus.proxy.usage.RecordedCall;

/**
 * One request to an endpoint on its way: who asked, where it goes, and when it started.
 *
 * @param tried which attempt of the client's call this is, for which route
 */
public record EndpointCall(String requestId, String conversationId, String apiKey, Target target,
                           EndpointRequest request, long startNanos, long startMillis, Admission admission,
                           Try tried)
        implements RecordedCall {

    @Override
    public String endpoint() {
        return request.endpoint().usageName();
    }
}
