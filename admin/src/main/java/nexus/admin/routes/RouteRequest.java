package nexus.admin.routes;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.admin.provider.JsonFields;
import nexus.shared.db.ModelType;
import nexus.shared.db.RouteStrategy;
import nexus.shared.error.ApiError;

/**
 * A route as a client sent it to {@code POST /routes} or {@code PATCH /routes/{id}}, each field checked on its own
 * (the checks against the database are {@link RouteTargets}'). {@code sent} names the fields the body carried, even as
 * null: a policy field sent as null goes back to the instance-wide default. Immutable.
 */
record RouteRequest(String name, ModelType type, RouteStrategy strategy, String description, Boolean enabled,
                    TargetsRequest targets, Integer maxAttempts, Long deadlineMs, Long firstTokenTimeoutMs,
                    HealthPolicy health, Set<String> sent) {

    static final int MAX_NAME_LENGTH = 100;
    static final int MAX_ATTEMPTS = 10;
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{Nd}._:/-]{1," + MAX_NAME_LENGTH + "}");
    private static final Set<String> FIELDS = Set.of("name", "type", "strategy", "description", "enabled", "targets",
            "max_attempts", "deadline_ms", "first_token_timeout_ms", "health", "updated_at");

    static RouteRequest parse(ObjectMapper mapper, byte[] body) {
        JsonFields fields = JsonFields.parse(mapper, body, FIELDS);
        Set<String> sent = new HashSet<>(FIELDS);
        sent.removeIf(field -> !fields.has(field));
        String type = fields.text("type");
        String strategy = fields.text("strategy");
        Long maxAttempts = Limits.range(fields, "max_attempts", 1, MAX_ATTEMPTS);
        return new RouteRequest(name(fields.text("name")),
                type == null ? null : ModelType.named(type.strip()),
                strategy == null ? null : RouteStrategy.fromWireName(strategy.strip()).orElseThrow(() ->
                        ApiError.invalidRequest("'strategy' must be one of: " + RouteStrategy.wireNames() + ".",
                                "strategy")),
                fields.multilineText("description", JsonFields.MAX_DESCRIPTION_LENGTH), fields.bool("enabled"),
                TargetsRequest.parse(fields.node("targets"), fields.sentAsNull("targets")),
                maxAttempts == null ? null : maxAttempts.intValue(),
                Limits.range(fields, "deadline_ms", 1, Long.MAX_VALUE),
                Limits.range(fields, "first_token_timeout_ms", 1, Long.MAX_VALUE),
                HealthPolicy.parse(fields.node("health")), Set.copyOf(sent));
    }

    private static String name(String value) {
        if (value == null) {
            return null;
        }
        String name = value.strip();
        if (!NAME.matcher(name).matches()) {
            throw ApiError.invalidRequest("'name' must be 1 to " + MAX_NAME_LENGTH + " letters, digits or the"
                    + " characters - _ . / :", "name");
        }
        return name;
    }
}
