package nexus.proxy.chat;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads the text of a chat message's content, whether a string or an array of parts. Stateless. */
public final class MessageText {

    private MessageText() {}

    /** The text of a content value: the string itself, or its text parts joined by newlines; "" for none. */
    public static String of(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(part.get("text").asText());
            }
        }
        return text.toString();
    }

    /** The text of the last message with role user, or "" when there is none. */
    public static String lastUser(JsonNode messages) {
        for (int index = messages.size() - 1; index >= 0; index--) {
            JsonNode message = messages.get(index);
            if ("user".equals(message.path("role").asText())) {
                return of(message.get("content"));
            }
        }
        return "";
    }
}
