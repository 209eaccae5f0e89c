package nexus.admin.keys;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.admin.provider.JsonFields;
import nexus.shared.error.ApiError;

/**
 * A key's settings as a client sent them to {@code POST /keys} or {@code PATCH /keys/{id}}, checked. A field left out
 * is null and keeps its value; {@code rpm}, {@code tpm}, {@code expires_at} and {@code monthly_spend_cap_usd} sent as
 * {@code null} are in {@code cleared} and switch that limit off. Immutable.
 */
record KeyRequest(String name, Boolean enabled, List<String> models, Integer rpm, Integer tpm, Long expiresAtMillis,
                  BigDecimal monthlySpendCap, Set<String> cleared, String regionPolicy) {

    static final int MAX_NAME_LENGTH = 100;
    static final int MAX_MODELS = 1_000;
    static final int MAX_MODEL_NAME_LENGTH = 200;
    static final long MAX_LIMIT = 1_000_000_000L;
    private static final Set<String> FIELDS = Set.of("name", "enabled", "models", "rpm", "tpm", "expires_at",
            "monthly_spend_cap_usd", "region_policy");
    static final Set<String> REGION_POLICIES = Set.of("any", "cn-only", "overseas-only");
    private static final List<String> CLEARABLE = List.of("rpm", "tpm", "expires_at", "monthly_spend_cap_usd");

    static KeyRequest parse(ObjectMapper mapper, byte[] body) {
        JsonFields fields = JsonFields.parse(mapper, body, FIELDS);
        String name = fields.text("name");
        if (name != null && (name.isBlank() || name.strip().length() > MAX_NAME_LENGTH)) {
            throw ApiError.invalidRequest("'name' must be 1 to " + MAX_NAME_LENGTH + " characters.", "name");
        }
        List<String> models = fields.textList("models");
        if (models != null && (models.size() > MAX_MODELS
                || models.stream().anyMatch(model -> model.length() > MAX_MODEL_NAME_LENGTH))) {
            throw ApiError.invalidRequest("'models' may name at most " + MAX_MODELS + " models of at most "
                    + MAX_MODEL_NAME_LENGTH + " characters each.", "models");
        }
        return new KeyRequest(name == null ? null : name.strip(), fields.bool("enabled"),
                models == null ? null : List.copyOf(new LinkedHashSet<>(models)),
                limit(fields, "rpm"), limit(fields, "tpm"), expiry(fields.text("expires_at")),
                fields.money("monthly_spend_cap_usd"),
                Set.copyOf(CLEARABLE.stream().filter(fields::sentAsNull).toList()),
                regionPolicy(fields.text("region_policy")));
    }

    private static String regionPolicy(String value) {
        if (value != null && !REGION_POLICIES.contains(value)) {
            throw ApiError.invalidRequest("'region_policy' must be one of: any, cn-only, overseas-only.",
                    "region_policy");
        }
        return value;
    }

    private static Integer limit(JsonFields fields, String field) {
        Long value = fields.integer(field);
        if (value != null && (value < 1 || value > MAX_LIMIT)) {
            throw ApiError.invalidRequest("'" + field + "' must be between 1 and " + MAX_LIMIT
                    + ", or null for no limit.", field);
        }
        return value == null ? null : value.intValue();
    }

    private static Long expiry(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiError.invalidRequest("'expires_at' must be an ISO-8601 time with an offset, such as"
                    + " \"2027-01-01T00:00:00Z\", or null.", "expires_at");
        }
    }
}
