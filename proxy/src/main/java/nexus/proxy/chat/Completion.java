package nexus.proxy.chat;

import com.fasterxml.jackson.databind.JsonNode;

import nexus.proxy.usage.TokenUsage;

/**
 * A non-streamed answer: the upstream's {@code chat.completion} bytes as they came, the same parsed, and the tokens it
 * cost (reported, or estimated when the upstream sent none).
 */
public record Completion(byte[] body, JsonNode json, TokenUsage usage) {}
