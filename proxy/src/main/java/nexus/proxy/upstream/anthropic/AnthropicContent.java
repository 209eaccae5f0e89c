package nexus.proxy.upstream.anthropic;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import nexus.proxy.upstream.UntranslatableRequestException;

/**
 * A user message's content as Anthropic content: a string stays a string; text parts become text blocks, image parts
 * image blocks (a data URL as a base64 source, an http(s) URL as a url source). Stateless.
 */
final class AnthropicContent {

    /** The image types the Messages API accepts. */
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
    private static final String BASE64_MARK = ";base64,";

    private AnthropicContent() {}

    static JsonNode user(JsonNode content, String at, ObjectMapper mapper) {
        if (content != null && content.isTextual()) {
            return content;
        }
        if (content == null || !content.isArray()) {
            throw UntranslatableRequestException.field(at + " must be a string or an array of content parts.", at);
        }
        ArrayNode blocks = mapper.createArrayNode();
        for (int index = 0; index < content.size(); index++) {
            JsonNode part = content.get(index);
            String partAt = at + "[" + index + "]";
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> {
                    if (!part.path("text").isTextual()) {
                        throw UntranslatableRequestException.field(partAt + ".text must be a string.", partAt + ".text");
                    }
                    blocks.addObject().put("type", "text").set("text", part.get("text"));
                }
                case "image_url" -> blocks.add(image(part.path("image_url").path("url"), partAt + ".image_url.url",
                        mapper));
                default -> throw UntranslatableRequestException.field(partAt + ".type '" + type
                        + "' cannot be sent to an Anthropic provider; use text or image_url parts.", partAt + ".type");
            }
        }
        return blocks;
    }

    private static ObjectNode image(JsonNode urlNode, String at, ObjectMapper mapper) {
        String url = urlNode.asText("");
        ObjectNode block = mapper.createObjectNode().put("type", "image");
        ObjectNode source = block.putObject("source");
        if (url.startsWith("data:")) {
            int mark = url.indexOf(BASE64_MARK);
            String mediaType = mark < 0 ? "" : url.substring("data:".length(), mark);
            if (mark < 0 || !IMAGE_TYPES.contains(mediaType)) {
                throw UntranslatableRequestException.field(at + " must be a base64 data URL of a JPEG, PNG, GIF or "
                        + "WebP image for an Anthropic provider.", at);
            }
            source.put("type", "base64").put("media_type", mediaType)
                    .put("data", url.substring(mark + BASE64_MARK.length()));
        } else if (url.startsWith("https://") || url.startsWith("http://")) {
            source.put("type", "url").put("url", url);
        } else {
            throw UntranslatableRequestException.field(at + " must be an http(s) URL or a base64 data URL.", at);
        }
        return block;
    }
}
