package nexus.admin.provider;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * HTTP edge of {@code /provider_models} and {@code /providers/{provider_id}/models}: reads the path and body, calls
 * {@link ProviderModelService}, picks the status. Thread-safe.
 */
public final class ProviderModelController {

    private static final String MODEL_ID = "model_id";

    private final ProviderModelService service;
    private final ObjectMapper mapper;

    public ProviderModelController(ProviderModelService service, ObjectMapper mapper) {
        this.service = service;
        this.mapper = mapper;
    }

    public void listByProvider(Context ctx) {
        ctx.json(service.listByProvider(PathIds.positive(ctx, "provider_id")));
    }

    public void get(Context ctx) {
        ctx.json(service.get(PathIds.positive(ctx, MODEL_ID)));
    }

    public void create(Context ctx) {
        ProviderModelRequest request = ProviderModelRequest.parse(mapper, ctx.bodyAsBytes());
        ctx.status(HttpStatus.CREATED).json(service.create(request));
    }

    public void update(Context ctx) {
        long modelId = PathIds.positive(ctx, MODEL_ID);
        ctx.json(service.update(modelId, ProviderModelRequest.parse(mapper, ctx.bodyAsBytes())));
    }

    public void delete(Context ctx) {
        service.delete(PathIds.positive(ctx, MODEL_ID));
        ctx.status(HttpStatus.NO_CONTENT);
    }
}
