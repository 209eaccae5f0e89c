package nexus.proxy.messages;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One answered chat call on its way into its conversation: whose it is, the request's messages as sent, and the
 * answer (a {@code chat.completion}, or an Anthropic {@code message}). Immutable by convention.
 *
 * @param createsConversation true when the conversation may be made for it if absent (message storage on, or an
 *                            imported file); false when it only goes into a conversation that exists
 */
record Turn(String conversationId, String owner, String requestId, String model, JsonNode messages, JsonNode response,
            boolean createsConversation) {}
