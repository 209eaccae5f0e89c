package nexus.shared.db;

/**
 * One row of {@code route}: a name clients send as a model, answered by its targets in the way {@code strategy} (a
 * {@link RouteStrategy} wire name) says; a null policy value means the instance-wide default.
 */
public record Route(long id, String name, ModelType type, String strategy, String description, boolean enabled,
                    Integer maxAttempts, Long deadlineMs, Long firstTokenTimeoutMs, Integer healthFailures,
                    Long healthWindowMs, Long healthCooldownMs, long createdAtMillis, long updatedAtMillis) {}
