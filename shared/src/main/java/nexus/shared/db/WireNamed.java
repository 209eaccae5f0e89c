package nexus.shared.db;

/** An enum stored and shown by one lower-case name (openai, chat, reported …). */
public interface WireNamed {

    String wireName();
}
