package nexus.shared.db;

import java.util.List;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code stored_response}; another owner's response reads as absent. Thread-safe from {@link Database#dao}. */
@RegisterConstructorMapper(StoredResponse.class)
public interface StoredResponseDao {

    String COLUMNS = "id, owner, previous_response_id, input_items, body, created_at_millis";

    /** How many responses back a chain is followed at most. */
    int MAX_CHAIN = 1_000;

    @SqlUpdate("INSERT INTO stored_response (" + COLUMNS + ")"
            + " VALUES (:id, :owner, :previousResponseId, :inputItems, :body, :createdAtMillis)")
    void insert(@BindMethods StoredResponse response);

    @SqlQuery("SELECT " + COLUMNS + " FROM stored_response WHERE id = :id AND owner = :owner")
    Optional<StoredResponse> findOwned(String id, String owner);

    /**
     * The response and those it follows through {@code previous_response_id}, oldest first, as far back as they are
     * still stored for this owner.
     */
    @SqlQuery("WITH RECURSIVE chain (id, depth) AS ("
            + " SELECT id, 0 FROM stored_response WHERE id = :id AND owner = :owner"
            + " UNION ALL SELECT earlier.previous_response_id, chain.depth + 1 FROM stored_response earlier"
            + " JOIN chain ON earlier.id = chain.id AND earlier.owner = :owner"
            + " WHERE earlier.previous_response_id IS NOT NULL AND chain.depth < " + MAX_CHAIN + ")"
            + " SELECT stored.id, stored.owner, stored.previous_response_id, stored.input_items, stored.body,"
            + " stored.created_at_millis FROM chain JOIN stored_response stored"
            + " ON stored.id = chain.id AND stored.owner = :owner ORDER BY chain.depth DESC")
    List<StoredResponse> chainOwned(String id, String owner);

    @SqlUpdate("DELETE FROM stored_response WHERE id = :id AND owner = :owner")
    boolean deleteOwned(String id, String owner);
}
