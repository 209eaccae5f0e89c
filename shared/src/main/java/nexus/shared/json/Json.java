package nexus.shared.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one ObjectMapper recipe both processes use: snake_case names, unknown fields ignored. */
public final class Json {

    /**
     * No limit on the length of a string or a name: what is parsed is already in memory and bounded by its own limit
     * (a request body by NEXUS_MAX_REQUEST_BYTES), and Jackson's defaults (20,000,000 characters for a string, 50,000
     * for a name) would refuse a body within it. Nesting depth and number length keep Jackson's limits (1,000 each),
     * which no real request comes near and which keep the parse cost linear.
     */
    private static final StreamReadConstraints READ_LIMITS = StreamReadConstraints.builder()
            .maxStringLength(Integer.MAX_VALUE)
            .maxNameLength(Integer.MAX_VALUE)
            .build();

    private Json() {}

    /** A new, fully configured mapper. Thread-safe once built; build one per process. */
    public static ObjectMapper newMapper() {
        // Jackson's default buffer pool is per thread, which does nothing for virtual threads: share one instead.
        JsonFactory factory = JsonFactory.builder()
                .recyclerPool(JsonRecyclerPools.sharedLockFreePool())
                .streamReadConstraints(READ_LIMITS)
                .build();
        return JsonMapper.builder(factory)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }
}
