package nexus.proxy.ws;

import nexus.proxy.chat.ConversationIds;
import nexus.proxy.routing.BearerKey;
import nexus.proxy.routing.Caller;
import nexus.proxy.routing.Routes;
import nexus.shared.error.ApiError;

/**
 * What one WebSocket connection knows between its requests: the key it authenticated with, and the conversation it
 * is. Confined to the connection's own thread.
 */
final class ConnectionState {

    private final String upgradeAuthorization;
    private final String conversationId;
    private final boolean clientConversation;
    private final ApiError conversationError;
    private String apiKey;

    /**
     * @param upgradeAuthorization the upgrade request's {@code Authorization} header, or null
     * @param clientConversationId the upgrade's {@code X-Conversation-Id} header or {@code conversation_id} query
     *                             parameter, or null: then the connection gets a new id now
     */
    ConnectionState(String upgradeAuthorization, String clientConversationId) {
        this.upgradeAuthorization = upgradeAuthorization;
        String id = null;
        ApiError error = null;
        try {
            id = ConversationIds.fromClient(clientConversationId, ConversationIds.HEADER);
        } catch (ApiError invalid) {
            error = invalid;  // answered to every frame that does not name its own conversation
        }
        this.conversationId = id;
        this.clientConversation = clientConversationId != null && !clientConversationId.isBlank();
        this.conversationError = error;
    }

    /**
     * The caller for one request: the frame's key when it has one, else the key this connection already
     * authenticated with, else the upgrade's Bearer key. A key that authenticates is remembered; 401 otherwise.
     */
    Caller authenticate(String frameKey, Routes routes) {
        String key = frameKey != null ? frameKey : apiKey != null ? apiKey : BearerKey.from(upgradeAuthorization);
        Caller caller = routes.authenticate(key);
        apiKey = key;
        return caller;
    }

    /** True when the frame or the upgrade named the conversation, rather than the connection being given one. */
    boolean conversationNamed(String frameConversationId) {
        return frameConversationId != null || clientConversation;
    }

    /** The frame's own conversation id when it names one (validated), else the connection's. */
    String conversationId(String frameConversationId) {
        if (frameConversationId != null) {
            return ConversationIds.fromClient(frameConversationId, ChatFrame.CONVERSATION_ID);
        }
        if (conversationError != null) {
            throw conversationError;
        }
        return conversationId;
    }
}
