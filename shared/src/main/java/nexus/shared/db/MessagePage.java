package nexus.shared.db;

import java.util.List;

/** One page of a conversation's messages, in the order asked for, and whether more follow. Immutable. */
public record MessagePage(List<ConversationMessage> data, boolean hasMore) {}
