package nexus.proxy.video;

import nexus.proxy.billing.Admission;
import nexus.proxy.routing.Target;

/** One video create request on its way: who asked, where it goes, and when it started. */
record VideoCall(String requestId, String conversationId, String apiKey, Target target, VideoRequest request,
                 long startNanos, long startMillis, Admission admission) {}
