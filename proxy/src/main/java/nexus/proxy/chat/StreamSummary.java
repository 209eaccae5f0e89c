package nexus.proxy.chat;

import nexus.proxy.billing.Charge;
import nexus.proxy.usage.TokenUsage;

/** How a complete stream ended: the completion's id, the tokens it used and what they cost. */
public record StreamSummary(String completionId, String requestId, String conversationId, TokenUsage usage,
                            Charge charge) {}
