package nexus.admin.provider;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.shared.db.ModelPrices;
import nexus.shared.error.ApiError;

/**
 * A provider model as a client sent it to {@code POST} or {@code PUT}: each field is null when left out, and only
 * its JSON type has been checked yet. Prices are checked decimals; a price sent as {@code null} is in
 * {@code clearedPrices}. Immutable.
 */
public record ProviderModelRequest(Long providerId, String modelName, String description, Boolean enabled,
                                   String type, ModelPrices prices, Set<String> clearedPrices,
                                   Long maxOutputTokens, String currency) {

    static final List<String> PRICE_FIELDS = List.of("input_price", "output_price", "cached_input_price",
            "cache_write_price", "image_price", "video_price_per_second", "request_price");
    static final Set<String> FIELDS = Set.of("provider_id", "model_name", "description", "enabled", "type",
            "input_price", "output_price", "cached_input_price", "cache_write_price", "image_price",
            "video_price_per_second", "request_price", "max_output_tokens", "currency");
    static final long MAX_OUTPUT_TOKENS = 10_000_000;

    /** Reads a request body; throws a 400 ApiError naming the field that is wrong. */
    public static ProviderModelRequest parse(ObjectMapper mapper, byte[] body) {
        JsonFields fields = JsonFields.parse(mapper, body, FIELDS);
        Function<String, BigDecimal> price = fields::money;
        Long maxOutputTokens = fields.integer("max_output_tokens");
        if (maxOutputTokens != null && (maxOutputTokens < 1 || maxOutputTokens > MAX_OUTPUT_TOKENS)) {
            throw ApiError.invalidRequest("'max_output_tokens' must be between 1 and " + MAX_OUTPUT_TOKENS + ".",
                    "max_output_tokens");
        }
        return new ProviderModelRequest(
                fields.integer("provider_id"),
                fields.text("model_name"),
                fields.multilineText("description", JsonFields.MAX_DESCRIPTION_LENGTH),
                fields.bool("enabled"),
                fields.text("type"),
                new ModelPrices(price.apply("input_price"), price.apply("output_price"),
                        price.apply("cached_input_price"), price.apply("cache_write_price"),
                        price.apply("image_price"), price.apply("video_price_per_second"),
                        price.apply("request_price")),
                Set.copyOf(PRICE_FIELDS.stream().filter(fields::sentAsNull).toList()),
                maxOutputTokens,
                fields.text("currency"));
    }

    /** The prices after this request: each sent price replaces, each sent null clears, the rest stay. */
    ModelPrices pricesOver(ModelPrices current) {
        return new ModelPrices(
                pick("input_price", prices.inputPrice(), current.inputPrice()),
                pick("output_price", prices.outputPrice(), current.outputPrice()),
                pick("cached_input_price", prices.cachedInputPrice(), current.cachedInputPrice()),
                pick("cache_write_price", prices.cacheWritePrice(), current.cacheWritePrice()),
                pick("image_price", prices.imagePrice(), current.imagePrice()),
                pick("video_price_per_second", prices.videoPricePerSecond(), current.videoPricePerSecond()),
                pick("request_price", prices.requestPrice(), current.requestPrice()));
    }

    private BigDecimal pick(String field, BigDecimal sent, BigDecimal current) {
        return sent != null ? sent : clearedPrices.contains(field) ? null : current;
    }
}
