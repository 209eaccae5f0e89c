package nexus.admin.routes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import nexus.shared.error.ApiError;

/** The {@code targets} of a body, in order, each checked on its own shape. Immutable. */
record TargetsRequest(List<Target> targets) {

    static final int MAX_TARGETS = 50;
    static final long MAX_WEIGHT = 1_000_000;
    /** Fields a GET shows on a target, which input ignores. */
    private static final Set<String> READ_ONLY = Set.of("provider_name", "usable");
    private static final Set<String> FIELDS = Set.of("provider_id", "model_name", "weight");

    /** One target as sent: a provider's model and its weight for the weighted strategy. */
    record Target(long providerId, String modelName, int weight) {}

    /** The targets, or null when left out; an empty list, or null sent for them, is a 400. */
    static TargetsRequest parse(JsonNode targets, boolean sentAsNull) {
        if (targets == null && !sentAsNull) {
            return null;
        }
        if (targets == null || !targets.isArray() || targets.isEmpty() || targets.size() > MAX_TARGETS) {
            throw ApiError.invalidRequest("'targets' must be a list of 1 to " + MAX_TARGETS + " objects"
                    + " {provider_id, model_name, weight?}.", "targets");
        }
        List<Target> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            Target target = target(targets.get(i), "targets[" + i + "]");
            if (!seen.add(target.providerId() + "\n" + target.modelName())) {
                throw ApiError.invalidRequest("'targets[" + i + "]' repeats provider " + target.providerId()
                        + " and model '" + target.modelName() + "'.", "targets[" + i + "]");
            }
            result.add(target);
        }
        return new TargetsRequest(List.copyOf(result));
    }

    private static Target target(JsonNode node, String where) {
        if (!node.isObject()) {
            throw ApiError.invalidRequest("'" + where + "' must be an object {provider_id, model_name, weight?}.",
                    where);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name) && !READ_ONLY.contains(name)) {
                throw ApiError.invalidRequest("Unknown field '" + where + "." + name + "'; known fields: model_name,"
                        + " provider_id, weight.", where + "." + name);
            }
        }
        Long providerId = Limits.range(node.get("provider_id"), where + ".provider_id", 1, Long.MAX_VALUE);
        if (providerId == null) {
            throw ApiError.invalidRequest("'" + where + ".provider_id' is required.", where + ".provider_id");
        }
        JsonNode model = node.get("model_name");
        if (model == null || !model.isTextual() || model.textValue().isBlank()
                || model.textValue().codePoints().anyMatch(Character::isISOControl)) {
            throw ApiError.invalidRequest("'" + where + ".model_name' is required: a non-blank string.",
                    where + ".model_name");
        }
        Long weight = Limits.range(node.get("weight"), where + ".weight", 0, MAX_WEIGHT);
        return new Target(providerId, model.textValue().strip(), weight == null ? 1 : weight.intValue());
    }
}
