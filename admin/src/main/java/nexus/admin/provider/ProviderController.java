package nexus.admin.provider;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * HTTP edge of {@code /providers}: reads the path and body, calls {@link ProviderService}, picks the status.
 * Thread-safe.
 */
public final class ProviderController {

    private static final String PROVIDER_ID = "provider_id";

    private final ProviderService service;
    private final ObjectMapper mapper;

    public ProviderController(ProviderService service, ObjectMapper mapper) {
        this.service = service;
        this.mapper = mapper;
    }

    public void list(Context ctx) {
        ctx.json(service.list());
    }

    public void get(Context ctx) {
        ctx.json(service.get(PathIds.positive(ctx, PROVIDER_ID)));
    }

    public void create(Context ctx) {
        ProviderRequest request = ProviderRequest.parse(mapper, ctx.bodyAsBytes());
        ctx.status(HttpStatus.CREATED).json(service.create(request));
    }

    public void update(Context ctx) {
        long providerId = PathIds.positive(ctx, PROVIDER_ID);
        ctx.json(service.update(providerId, ProviderRequest.parse(mapper, ctx.bodyAsBytes())));
    }

    public void delete(Context ctx) {
        service.delete(PathIds.positive(ctx, PROVIDER_ID));
        ctx.status(HttpStatus.NO_CONTENT);
    }
}
