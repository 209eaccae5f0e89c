package nexus.shared.db;

/** How many usage rows (attempts) one provider's model served for a route in a window. */
public record TargetRequests(long providerId, String model, long requests) {}
