package nexus.shared.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one ObjectMapper recipe both processes use: snake_case names, unknown fields ignored. */
public final class Json {

    private Json() {}

    /** A new, fully configured mapper. Thread-safe once built; build one per process. */
    public static ObjectMapper newMapper() {
        // Jackson's default buffer pool is per thread, which does nothing for virtual threads: share one instead.
        JsonFactory factory = JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedLockFreePool()).build();
        return JsonMapper.builder(factory)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }
}
