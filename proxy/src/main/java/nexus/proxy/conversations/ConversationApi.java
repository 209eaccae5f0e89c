package nexus.proxy.conversations;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.proxy.BodyReader;
import nexus.proxy.routing.RoutingTable;
import nexus.shared.conversation.ConversationViews;
import nexus.shared.db.Conversations;

/** The two edges of the conversations API, wired to one store. Immutable. */
public record ConversationApi(ConversationsHandler conversations, ConversationItemsHandler items) {

    public static ConversationApi create(RoutingTable routing, BodyReader bodies, Conversations store,
                                         ObjectMapper mapper, Clock clock) {
        var requests = new ConversationRequests(routing, bodies, mapper);
        var views = new ConversationViews(mapper);
        return new ConversationApi(new ConversationsHandler(requests, store, views, mapper, clock),
                new ConversationItemsHandler(requests, store, views, new ItemViews(mapper), mapper, clock));
    }
}
