package nexus.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

/** NEXUS_ROUTING_SEED fixes the routing random source; unset, each start draws anew. */
class RoutingSeedTest {

    @Test
    void a_seed_gives_the_same_sequence_every_time() {
        NexusConfig config = NexusConfig.fromEnv(Map.of("NEXUS_ROUTING_SEED", "7"));

        assertThat(config.routingSeed()).isEqualTo(7L);
        RandomGenerator once = config.routingRandom();
        RandomGenerator again = NexusConfig.fromEnv(Map.of("NEXUS_ROUTING_SEED", "7")).routingRandom();
        assertThat(new long[] {once.nextLong(), once.nextLong()})
                .containsExactly(again.nextLong(), again.nextLong());
    }

    @Test
    void unset_there_is_no_seed_and_a_bad_value_names_the_variable() {
        assertThat(NexusConfig.fromEnv(Map.of()).routingSeed()).isNull();
        assertThatThrownBy(() -> NexusConfig.fromEnv(Map.of("NEXUS_ROUTING_SEED", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("NEXUS_ROUTING_SEED");
    }
}
