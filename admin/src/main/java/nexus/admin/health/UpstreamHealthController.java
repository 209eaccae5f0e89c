package nexus.admin.health;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import nexus.admin.provider.Timestamps;
import nexus.shared.db.Database;
import nexus.shared.db.PublishedHealth;
import nexus.shared.db.PublishedHealthDao;

/**
 * {@code GET /health/upstreams}: each circuit's state as the proxy last published it (a target's instance-wide one,
 * {@code route} null, and one per route with health settings of its own, named by {@code route}), with the figures of
 * the proxy's report merged in (the proxy decides which; the fields named here win over a report field of the same
 * name). Thread-safe.
 */
public final class UpstreamHealthController {

    private final PublishedHealthDao health;
    private final ObjectMapper mapper;

    public UpstreamHealthController(Database database, ObjectMapper mapper) {
        this.health = database.dao(PublishedHealthDao.class);
        this.mapper = mapper;
    }

    public void list(Context ctx) {
        ArrayNode data = mapper.createArrayNode();
        for (PublishedHealth row : health.listAll()) {
            data.add(entry(row));
        }
        ObjectNode body = mapper.createObjectNode();
        body.set("data", data);
        ctx.json(body);
    }

    private ObjectNode entry(PublishedHealth row) {
        ObjectNode entry = mapper.createObjectNode();
        entry.put("provider_id", row.providerId());
        entry.put("provider_name", row.providerName());
        entry.put("model_name", row.modelName());
        entry.put("route", row.route().isEmpty() ? null : row.route());
        entry.put("state", row.state());
        entry.put("updated_at", Timestamps.iso(row.updatedAtMillis()));
        if (report(row.report()) instanceof ObjectNode report) {
            for (Map.Entry<String, JsonNode> field : report.properties()) {
                if (!entry.has(field.getKey())) {
                    entry.set(field.getKey(), field.getValue());
                }
            }
        }
        return entry;
    }

    /** The stored report, or null when it is not JSON (a report is the proxy's; a bad one must not hide the row). */
    private JsonNode report(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
