package nexus.shared.db;

/** How many ratings one model or route got in a window: {@code up} for 👍 (1), {@code down} for 👎 (-1). */
public record RatingCount(String name, long up, long down) {}
