package nexus.proxy.chat;

import nexus.proxy.usage.TokenUsage;

/** How a complete stream ended: the completion's id and what it cost. */
public record StreamSummary(String completionId, String requestId, String conversationId, TokenUsage usage) {}
