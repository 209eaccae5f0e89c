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

    String COLUMNS = "id, provider_id, model_name, description, enabled, created_at_millis, type, input_price,"
            + " output_price, cached_input_price, cache_write_price, image_price, video_price_per_second, request_price,"
            + " max_output_tokens";
    String PRICES = "input_price = :inputPrice, output_price = :outputPrice, cached_input_price = :cachedInputPrice,"
            + " cache_write_price = :cacheWritePrice, image_price = :imagePrice,"
            + " video_price_per_second = :videoPricePerSecond, request_price = :requestPrice";

    @SqlQuery("SELECT " + COLUMNS + " FROM provider_model WHERE provider_id = :providerId ORDER BY id")
    List<ProviderModel> listByProvider(long providerId);

    @SqlQuery("SELECT " + COLUMNS + " FROM provider_model WHERE enabled = 1 ORDER BY provider_id, id")
    List<ProviderModel> listEnabled();

    @SqlQuery("SELECT " + COLUMNS + " FROM provider_model WHERE id = :id")
    Optional<ProviderModel> findById(long id);

    @SqlQuery("SELECT " + COLUMNS + " FROM provider_model WHERE provider_id = :providerId AND model_name = :modelName")
    Optional<ProviderModel> findByName(long providerId, String modelName);

    @SqlUpdate("INSERT INTO provider_model (provider_id, model_name, description, enabled, created_at_millis, type,"
            + " max_output_tokens) VALUES (:providerId, :modelName, :description, :enabled, :createdAtMillis, :type,"
            + " :maxOutputTokens)")
    @GetGeneratedKeys("id")
    long insert(@BindMethods NewProviderModel model);

    @SqlUpdate("UPDATE provider_model SET provider_id = :providerId, model_name = :modelName,"
            + " description = :description, enabled = :enabled, type = :type, max_output_tokens = :maxOutputTokens"
            + " WHERE id = :id")
    boolean update(@BindMethods ProviderModel model);

    @SqlUpdate("UPDATE provider_model SET " + PRICES + " WHERE id = :id")
    boolean updatePrices(long id, @BindMethods ModelPrices prices);

    @SqlUpdate("DELETE FROM provider_model WHERE id = :id")
    boolean deleteById(long id);
}
