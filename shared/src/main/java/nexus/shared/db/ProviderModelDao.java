package nexus.shared.db;

import java.util.List;
import java.util.Optional;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code provider_model}. Thread-safe when obtained from {@link Database#dao(Class)}. */
@RegisterConstructorMapper(ProviderModel.class)
public interface ProviderModelDao {

    String COLUMNS = "id, provider_id, model_name, description, enabled, created_at_millis, type";

    @SqlQuery("SELECT " + COLUMNS + " FROM provider_model WHERE provider_id = :providerId ORDER BY id")
    List<ProviderModel> listByProvider(long providerId);

    @SqlQuery("SELECT " + COLUMNS + " FROM provider_model WHERE enabled = 1 ORDER BY provider_id, id")
    List<ProviderModel> listEnabled();

    @SqlQuery("SELECT " + COLUMNS + " FROM provider_model WHERE id = :id")
    Optional<ProviderModel> findById(long id);

    @SqlQuery("SELECT " + COLUMNS + " FROM provider_model WHERE provider_id = :providerId AND model_name = :modelName")
    Optional<ProviderModel> findByName(long providerId, String modelName);

    @SqlUpdate("INSERT INTO provider_model (provider_id, model_name, description, enabled, created_at_millis, type)"
            + " VALUES (:providerId, :modelName, :description, :enabled, :createdAtMillis, :type)")
    @GetGeneratedKeys("id")
    long insert(@BindMethods NewProviderModel model);

    @SqlUpdate("UPDATE provider_model SET provider_id = :providerId, model_name = :modelName,"
            + " description = :description, enabled = :enabled, type = :type WHERE id = :id")
    boolean update(@BindMethods ProviderModel model);

    @SqlUpdate("DELETE FROM provider_model WHERE id = :id")
    boolean deleteById(long id);
}
