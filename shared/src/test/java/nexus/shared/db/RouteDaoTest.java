package nexus.shared.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteDaoTest {

    @TempDir
    Path dir;

    private static Route route(long id, String name, Integer maxAttempts) {
        return new Route(id, name, ModelType.CHAT, "weighted", "", true, maxAttempts, null, 2_500L, 3, null, 30_000L,
                1_000L, 2_000L);
    }

    @Test
    void a_route_and_its_targets_read_back_in_order_and_null_policies_stay_null() {
        Database database = Database.open(dir.resolve("nexus.db"));
        RouteDao routes = database.dao(RouteDao.class);
        long id = routes.insert(route(0, "fast", null));
        routes.insertTarget(new RouteTarget(id, 1, 2, "deepseek-chat", 0));
        routes.insertTarget(new RouteTarget(id, 0, 1, "gpt-4o", 3));

        assertThat(routes.findByName("fast")).contains(route(id, "fast", null));
        assertThat(routes.findById(id)).contains(route(id, "fast", null));
        assertThat(routes.listTargets(id)).containsExactly(new RouteTarget(id, 0, 1, "gpt-4o", 3),
                new RouteTarget(id, 1, 2, "deepseek-chat", 0));
        assertThat(routes.listAllTargets()).hasSize(2);
    }

    @Test
    void update_writes_the_route_and_delete_removes_its_targets() {
        Database database = Database.open(dir.resolve("nexus.db"));
        RouteDao routes = database.dao(RouteDao.class);
        long id = routes.insert(route(0, "fast", null));
        routes.insertTarget(new RouteTarget(id, 0, 1, "gpt-4o", 1));

        assertThat(routes.update(route(id, "faster", 4))).isTrue();
        assertThat(routes.listAll()).containsExactly(route(id, "faster", 4));

        assertThat(routes.deleteById(id)).isTrue();
        assertThat(routes.listAllTargets()).isEmpty();
        assertThat(routes.deleteById(id)).isFalse();
    }

    @Test
    void the_lowest_provider_serving_a_model_name_is_found() {
        Database database = Database.open(dir.resolve("nexus.db"));
        ProviderDao providers = database.dao(ProviderDao.class);
        long first = providers.insert(new NewProvider("OpenAI", ProviderKind.OPENAI, "https://a.example/v1", "", "k1",
                "", true, 1L, ""));
        long second = providers.insert(new NewProvider("Azure", ProviderKind.OPENAI, "https://b.example/v1", "", "k2",
                "", true, 1L, ""));
        ProviderModelDao models = database.dao(ProviderModelDao.class);
        models.insert(new NewProviderModel(second, "gpt-4o", "", true, 1L, ModelType.CHAT, ModelPrices.NONE, 10));
        models.insert(new NewProviderModel(first, "gpt-4o", "", true, 1L, ModelType.CHAT, ModelPrices.NONE, 10));

        assertThat(database.dao(RouteDao.class).providerWithModel("gpt-4o")).contains("OpenAI");
        assertThat(database.dao(RouteDao.class).providerWithModel("fast")).isEmpty();
    }

    @Test
    void every_change_to_a_route_or_its_targets_bumps_the_config_version() {
        Database database = Database.open(dir.resolve("nexus.db"));
        RouteDao routes = database.dao(RouteDao.class);
        long before = version(database);

        long id = routes.insert(route(0, "fast", null));
        routes.insertTarget(new RouteTarget(id, 0, 1, "gpt-4o", 1));
        routes.update(route(id, "fast", 2));
        routes.deleteTargets(id);
        routes.deleteById(id);

        assertThat(version(database)).isEqualTo(before + 5);
    }

    private static long version(Database database) {
        return database.inReadTransaction(handle -> handle.createQuery("SELECT version FROM config_version")
                .mapTo(Long.class).one());
    }
}
