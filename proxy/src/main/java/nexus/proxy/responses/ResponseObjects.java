package nexus.proxy.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.usage.TokenUsage;

/**
 * The shapes of the Responses API's answer (https://platform.openai.com/docs/api-reference/responses/object): the
 * {@code response} object with the request's settings echoed as OpenAI echoes them, its output items, and its usage.
 * Ids: {@code resp_…} from the request id, and each output item's from the response's. Stateless.
 */
final class ResponseObjects {

    private ResponseObjects() {}

    /** The response's id for a request id ({@code req_…}). */
    static String responseId(String requestId) {
        return "resp_" + requestId.substring(requestId.indexOf('_') + 1);
    }

    /** The id of the {@code index}-th output item, e.g. {@code msg_…}, {@code fc_…}, {@code rs_…}. */
    static String itemId(String prefix, String responseId, int index) {
        return prefix + "_" + responseId.substring(responseId.indexOf('_') + 1) + "_" + index;
    }

    /** A response {@code in_progress} with no output yet, echoing the request's settings. */
    static ObjectNode started(ResponsesRequest request, String id, long createdAtSeconds, String model,
                              ObjectMapper mapper) {
        ObjectNode body = request.body();
        ObjectNode response = mapper.createObjectNode();
        response.put("id", id);
        response.put("object", "response");
        response.put("created_at", createdAtSeconds);
        response.put("status", "in_progress");
        response.put("background", false);
        response.putNull("error");
        response.putNull("incomplete_details");
        echo(body, "instructions", response, null);
        echo(body, "max_output_tokens", response, null);
        response.put("model", model);
        response.putArray("output");
        echo(body, "parallel_tool_calls", response, mapper.getNodeFactory().booleanNode(true));
        response.put("previous_response_id", request.previousResponseId());
        if (request.conversationId() != null) {
            response.putObject("conversation").put("id", request.conversationId());
        }
        ObjectNode reasoning = response.putObject("reasoning");
        echo(body.path("reasoning"), "effort", reasoning, null);
        echo(body.path("reasoning"), "summary", reasoning, null);
        response.put("store", request.store());
        echo(body, "temperature", response, mapper.getNodeFactory().numberNode(1.0));
        ObjectNode text = response.putObject("text");
        echo(body.path("text"), "format", text, mapper.createObjectNode().put("type", "text"));
        echo(body, "tool_choice", response, mapper.getNodeFactory().textNode("auto"));
        echo(body, "tools", response, mapper.createArrayNode());
        echo(body, "top_p", response, mapper.getNodeFactory().numberNode(1.0));
        echo(body, "truncation", response, mapper.getNodeFactory().textNode("disabled"));
        response.putNull("usage");
        echo(body, "user", response, null);
        echo(body, "metadata", response, mapper.createObjectNode());
        return response;
    }

    /**
     * Sets the end: {@code completed}, or {@code incomplete} with its reason when the chat's finish reason says the
     * answer was cut ({@code length} → {@code max_output_tokens}, {@code content_filter}), and the usage.
     */
    static void finish(ObjectNode response, String finishReason, TokenUsage used, long reasoningTokens) {
        String incomplete = switch (finishReason == null ? "" : finishReason) {
            case "length" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
        response.put("status", incomplete == null ? "completed" : "incomplete");
        if (incomplete != null) {
            response.putObject("incomplete_details").put("reason", incomplete);
        }
        ObjectNode usage = response.putObject("usage");
        usage.put("input_tokens", used.promptTokens());
        usage.putObject("input_tokens_details").put("cached_tokens", used.cacheReadTokens())
                .put("cache_write_tokens", used.cacheCreationTokens());
        usage.put("output_tokens", used.completionTokens());
        usage.putObject("output_tokens_details").put("reasoning_tokens", reasoningTokens);
        usage.put("total_tokens", used.promptTokens() + used.completionTokens());
    }

    /** An assistant message of one {@code output_text} part. */
    static ObjectNode message(String id, String text, String status, ObjectMapper mapper) {
        ObjectNode item = mapper.createObjectNode().put("id", id).put("type", "message").put("status", status)
                .put("role", "assistant");
        if (text != null) {
            item.putArray("content").add(outputText(text, mapper));
        } else {
            item.putArray("content");
        }
        return item;
    }

    static ObjectNode outputText(String text, ObjectMapper mapper) {
        ObjectNode part = mapper.createObjectNode().put("type", "output_text");
        part.putArray("annotations");
        part.putArray("logprobs");
        return part.put("text", text);
    }

    static ObjectNode functionCall(String id, String callId, String name, String arguments, String status,
                                   ObjectMapper mapper) {
        return mapper.createObjectNode().put("id", id).put("type", "function_call").put("status", status)
                .put("arguments", arguments).put("call_id", callId).put("name", name);
    }

    /** Reasoning as one summary part (what clients show); null text for one still to come. */
    static ObjectNode reasoning(String id, String text, ObjectMapper mapper) {
        ObjectNode item = mapper.createObjectNode().put("id", id).put("type", "reasoning");
        if (text != null) {
            item.putArray("summary").add(summaryText(text, mapper));
        } else {
            item.putArray("summary");
        }
        return item;
    }

    static ObjectNode summaryText(String text, ObjectMapper mapper) {
        return mapper.createObjectNode().put("type", "summary_text").put("text", text);
    }

    /** The reasoning tokens a chat usage object names, 0 when none. */
    static long reasoningTokens(JsonNode chatUsage) {
        return chatUsage == null ? 0 : chatUsage.path("completion_tokens_details").path("reasoning_tokens").asLong(0);
    }

    private static void echo(JsonNode from, String field, ObjectNode to, JsonNode fallback) {
        JsonNode value = from.get(field);
        to.set(field, value != null && !value.isNull() ? value : fallback);
    }
}
