package nexus.shared.db;

import java.util.List;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code provider}. Thread-safe when obtained from {@link Database#dao(Class)}. */
@RegisterConstructorMapper(Provider.class)
public interface ProviderDao {

    String COLUMNS = "id, name, kind, server_url, server_key, personalized_key, description, enabled, created_at_millis,"
            + " http_proxy, responses, region";

    @SqlQuery("SELECT " + COLUMNS + " FROM provider ORDER BY id")
    List<Provider> listAll();

    @SqlQuery("SELECT " + COLUMNS + " FROM provider WHERE enabled = 1 ORDER BY id")
    List<Provider> listEnabled();

    @SqlQuery("SELECT " + COLUMNS + " FROM provider WHERE id = :id")
    Optional<Provider> findById(long id);

    @SqlUpdate("INSERT INTO provider (name, kind, server_url, server_key, personalized_key, description, enabled,"
            + " created_at_millis, http_proxy, responses, region) VALUES (:name, :kind, :serverUrl, :serverKey,"
            + " :personalizedKey, :description, :enabled, :createdAtMillis, :httpProxy, :responses, :region)")
    @GetGeneratedKeys("id")
    long insert(@BindMethods NewProvider provider);

    @SqlUpdate("UPDATE provider SET name = :name, kind = :kind, server_url = :serverUrl, server_key = :serverKey,"
            + " personalized_key = :personalizedKey, description = :description, enabled = :enabled, http_proxy = :httpProxy,"
            + " responses = :responses, region = :region WHERE id = :id")
    boolean update(@BindMethods Provider provider);

    @SqlUpdate("DELETE FROM provider WHERE id = :id")
    boolean deleteById(long id);
}
