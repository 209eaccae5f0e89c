package nexus.shared.db;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.KeyColumn;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.ValueColumn;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** SQL for {@code usage}: the rows and the sums for the admin's stats ({@link UsageInserts} writes them). Thread-safe. */
@RegisterConstructorMapper(Usage.class)
@RegisterConstructorMapper(UsageTotals.class)
@RegisterConstructorMapper(ProviderUsage.class)
@RegisterConstructorMapper(ModelUsage.class)
public interface UsageDao {

    String COLUMNS = "id, request_id, api_key, provider_id, provider_name, model, conversation_id, endpoint, stream,"
            + " prompt_tokens, completion_tokens, total_tokens, usage_source, status, truncated, error_code,"
            + " latency_millis, first_token_millis, created_at_millis, cache_read_tokens, cache_creation_tokens, images,"
            + " key_id, cost_nanos,"
            + " billed AS billed_to_balance, attempt, route, past_open_circuit";

    String SUMS = "COUNT(*) AS requests, COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,"
            + " COALESCE(SUM(completion_tokens), 0) AS completion_tokens, COALESCE(SUM(total_tokens), 0) AS total_tokens,"
            + " COALESCE(SUM(cost_nanos), 0) AS cost_nanos";

    /** A provider's name as it is now; a deleted provider keeps the name its last row recorded. */
    String PROVIDER_NAME = "COALESCE((SELECT name FROM provider WHERE provider.id = usage.provider_id),"
            + " MAX(provider_name)) AS provider_name";

    @SqlQuery("SELECT " + COLUMNS + " FROM usage ORDER BY id")
    List<Usage> listAll();

    /** The client key of one request, to tell whose its stored messages are. */
    @SqlQuery("SELECT api_key FROM usage WHERE request_id = :requestId")
    Optional<String> findApiKey(String requestId);

    @SqlQuery("SELECT " + SUMS + " FROM usage")
    UsageTotals totals();

    /** Named as the provider is named now; a deleted provider keeps the name its last row recorded. */
    @SqlQuery("SELECT provider_id, " + PROVIDER_NAME + ", " + SUMS + " FROM usage GROUP BY provider_id ORDER BY provider_id")
    List<ProviderUsage> byProvider();

    @SqlQuery("SELECT model, " + SUMS + " FROM usage GROUP BY model ORDER BY model")
    List<ModelUsage> byModel();

    /** Per issued key, what its calls since then cost. */
    @SqlQuery("SELECT key_id, SUM(cost_nanos) AS amount FROM usage WHERE key_id IS NOT NULL"
            + " AND created_at_millis >= :sinceMillis GROUP BY key_id")
    @KeyColumn("key_id")
    @ValueColumn("amount")
    Map<Long, Long> spendByKeySince(long sinceMillis);

    @SqlQuery("SELECT " + SUMS + " FROM usage WHERE conversation_id = :conversationId")
    UsageTotals conversationTotals(String conversationId);

    @SqlQuery("SELECT model, " + SUMS + " FROM usage WHERE conversation_id = :conversationId GROUP BY model ORDER BY model")
    List<ModelUsage> conversationByModel(String conversationId);
}
