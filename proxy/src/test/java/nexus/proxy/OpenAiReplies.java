package nexus.proxy;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.MockResponse;

/** Test helper: what an OpenAI-compatible upstream answers, as MockWebServer responses and SSE chunk payloads. */
public final class OpenAiReplies {

    public static final String COMPLETION_ID = "chatcmpl-upstream-1";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OpenAiReplies() {}

    /** A {@code chat.completion} with one assistant message, and usage when {@code promptTokens >= 0}. */
    public static String completion(String model, String content, int promptTokens, int completionTokens) {
        String usage = promptTokens < 0 ? "" : ",\"usage\":{\"prompt_tokens\":" + promptTokens
                + ",\"completion_tokens\":" + completionTokens + ",\"total_tokens\":"
                + (promptTokens + completionTokens) + "}";
        return "{\"id\":\"" + COMPLETION_ID + "\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\""
                + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + quote(content) + "},\"finish_reason\":\"stop\"}]" + usage + "}";
    }

    /** A 200 JSON answer. */
    public static MockResponse json(String body) {
        return json(200, body);
    }

    public static MockResponse json(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body).build();
    }

    /**
     * A whole OpenAI stream body spelled out as the upstream sends it: a role chunk, one content chunk per piece, a
     * finish chunk, a usage chunk and [DONE].
     */
    public static String sseBody(String id, String model, long created, int promptTokens, int completionTokens,
                                 List<String> pieces) {
        String prefix = "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created
                + ",\"model\":\"" + model + "\",\"choices\":";
        StringBuilder body = new StringBuilder(prefix)
                .append("[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
        for (String piece : pieces) {
            body.append(prefix).append("[{\"index\":0,\"delta\":{\"content\":\"").append(piece)
                    .append("\"},\"finish_reason\":null}]}\n\n");
        }
        body.append(prefix).append("[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        body.append(prefix).append("[],\"usage\":{\"prompt_tokens\":").append(promptTokens)
                .append(",\"completion_tokens\":").append(completionTokens)
                .append(",\"total_tokens\":").append(promptTokens + completionTokens).append("}}\n\n");
        return body.append("data: [DONE]\n\n").toString();
    }

    /** A role chunk first, as OpenAI sends it. */
    public static String roleChunk(String model) {
        return chunkWith(model, "{\"role\":\"assistant\",\"content\":\"\"}", "null");
    }

    public static String contentChunk(String model, String content) {
        return chunkWith(model, "{\"content\":" + quote(content) + "}", "null");
    }

    public static String finishChunk(String model) {
        return chunkWith(model, "{}", "\"stop\"");
    }

    /** The usage-only chunk an upstream sends last when asked with {@code stream_options.include_usage}. */
    public static String usageChunk(String model, int promptTokens, int completionTokens) {
        return "{\"id\":\"" + COMPLETION_ID + "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"" + model + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens
                + ",\"completion_tokens\":" + completionTokens + ",\"total_tokens\":"
                + (promptTokens + completionTokens) + "}}";
    }

    /** The chunks of a complete answer made of the given content pieces: role, pieces, finish (no usage, no [DONE]). */
    public static List<String> answerChunks(String model, String... pieces) {
        List<String> chunks = new ArrayList<>();
        chunks.add(roleChunk(model));
        for (String piece : pieces) {
            chunks.add(contentChunk(model, piece));
        }
        chunks.add(finishChunk(model));
        return chunks;
    }

    /** Events as an SSE body: {@code data: <payload>\n\n} each. */
    public static String sse(List<String> payloads) {
        StringBuilder body = new StringBuilder();
        payloads.forEach(payload -> body.append("data: ").append(payload).append("\n\n"));
        return body.toString();
    }

    /** A 200 SSE answer with the given events, chunked as a real server sends it. */
    public static MockResponse stream(List<String> payloads) {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .chunkedBody(sse(payloads), 64)
                .build();
    }

    /** A JSON string literal. */
    public static String quote(String text) {
        try {
            return MAPPER.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String chunkWith(String model, String delta, String finishReason) {
        return "{\"id\":\"" + COMPLETION_ID + "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":" + finishReason + "}]}";
    }
}
