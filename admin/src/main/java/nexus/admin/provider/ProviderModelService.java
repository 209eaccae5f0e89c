package nexus.admin.provider;

import java.time.Clock;
import java.util.List;

import nexus.shared.db.Database;
import nexus.shared.db.ModelPrices;
import nexus.shared.db.ModelType;
import nexus.shared.db.NewProviderModel;
import nexus.shared.db.ProviderDao;
import nexus.shared.db.ProviderModel;
import nexus.shared.db.ProviderModelDao;
import nexus.shared.db.RouteDao;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/** Lists, creates, changes and deletes the models providers serve; knows nothing of HTTP. Thread-safe. */
public final class ProviderModelService {

    static final int MAX_MODEL_NAME_LENGTH = 200;

    private final Database database;
    private final ProviderDao providers;
    private final ProviderModelDao models;
    private final Clock clock;
    private final String currency;

    public ProviderModelService(Database database, Clock clock, String currency) {
        this.database = database;
        this.currency = currency;
        this.providers = database.dao(ProviderDao.class);
        this.models = database.dao(ProviderModelDao.class);
        this.clock = clock;
    }

    public List<ProviderModelView> listByProvider(long providerId) {
        providers.findById(providerId).orElseThrow(() -> ProviderService.notFound(providerId));
        return models.listByProvider(providerId).stream().map(this::view).toList();
    }

    public ProviderModelView get(long modelId) {
        return view(models.findById(modelId).orElseThrow(() -> notFound(modelId)));
    }

    public ProviderModelView create(ProviderModelRequest request) {
        checkCurrency(request);
        long providerId = requiredProviderId(request.providerId());
        String modelName = modelName(request.modelName());
        String description = request.description() == null ? "" : request.description();
        boolean enabled = request.enabled() == null || request.enabled();
        ModelType type = request.type() == null ? ModelType.CHAT : ModelType.named(request.type().strip());
        ModelPrices prices = request.pricesOver(ModelPrices.NONE);
        int maxOutputTokens = request.maxOutputTokens() == null ? ProviderModel.DEFAULT_MAX_OUTPUT_TOKENS
                : Math.toIntExact(request.maxOutputTokens());
        return database.inTransaction(handle -> {
            ProviderModelDao dao = handle.attach(ProviderModelDao.class);
            checkFree(handle.attach(ProviderDao.class), dao, providerId, modelName, null);
            checkNotARoute(handle.attach(RouteDao.class), modelName);
            var model = new NewProviderModel(providerId, modelName, description, enabled, clock.millis(), type, prices,
                    maxOutputTokens);
            long id = dao.insert(model);
            dao.updatePrices(id, prices);
            return view(new ProviderModel(id, providerId, modelName, description, enabled, model.createdAtMillis(),
                    type, prices, maxOutputTokens));
        });
    }

    /** Applies the fields the request carries, including a move to another provider; the others keep their value. */
    public ProviderModelView update(long modelId, ProviderModelRequest request) {
        checkCurrency(request);
        String requestedName = request.modelName() == null ? null : modelName(request.modelName());
        ModelType requestedType = request.type() == null ? null : ModelType.named(request.type().strip());
        return database.inTransaction(handle -> {
            ProviderModelDao dao = handle.attach(ProviderModelDao.class);
            ProviderModel current = dao.findById(modelId).orElseThrow(() -> notFound(modelId));
            long providerId = request.providerId() == null ? current.providerId() : request.providerId();
            String modelName = requestedName == null ? current.modelName() : requestedName;
            checkFree(handle.attach(ProviderDao.class), dao, providerId, modelName, modelId);
            checkNotARoute(handle.attach(RouteDao.class), modelName);
            var changed = new ProviderModel(modelId, providerId, modelName,
                    request.description() == null ? current.description() : request.description(),
                    request.enabled() == null ? current.enabled() : request.enabled(),
                    current.createdAtMillis(),
                    requestedType == null ? current.type() : requestedType,
                    request.pricesOver(current.prices()),
                    request.maxOutputTokens() == null ? current.maxOutputTokens()
                            : Math.toIntExact(request.maxOutputTokens()));
            dao.update(changed);
            dao.updatePrices(modelId, changed.prices());
            return view(changed);
        });
    }

    private ProviderModelView view(ProviderModel model) {
        return ProviderModelView.of(model, currency);
    }

    public void delete(long modelId) {
        if (!models.deleteById(modelId)) {
            throw notFound(modelId);
        }
    }

    /** The provider must exist and must not already serve this name under another model id. */
    private static void checkFree(ProviderDao providers, ProviderModelDao models, long providerId, String modelName,
                                  Long selfId) {
        if (providers.findById(providerId).isEmpty()) {
            throw ProviderService.notFound(providerId);
        }
        models.findByName(providerId, modelName)
                .filter(existing -> selfId == null || existing.id() != selfId)
                .ifPresent(existing -> {
                    throw ApiError.conflict("Provider " + providerId + " already has a model named '" + modelName
                            + "' (id " + existing.id() + ").", "model_name");
                });
    }

    /** A route's name is what clients send as a model: a model of the same name would be ambiguous. */
    private static void checkNotARoute(RouteDao routes, String modelName) {
        routes.findByName(modelName).ifPresent(route -> {
            throw ApiError.conflict("'" + modelName + "' is the name of route " + route.id() + "; a model must have a"
                    + " name no route has.", "model_name");
        });
    }

    /** A {@code currency} sent back from a GET is fine; another one would misprice the model. */
    private void checkCurrency(ProviderModelRequest request) {
        if (request.currency() != null && !request.currency().equals(currency)) {
            throw ApiError.invalidRequest("'currency' must be " + currency + ", the currency of this Nexus"
                    + " (NEXUS_CURRENCY); prices cannot be given in another.", "currency");
        }
    }

    private static long requiredProviderId(Long providerId) {
        if (providerId == null) {
            throw ApiError.invalidRequest("'provider_id' is required.", "provider_id");
        }
        return providerId;
    }

    private static String modelName(String value) {
        if (value == null || value.isBlank()) {
            throw ApiError.invalidRequest("'model_name' is required and must not be blank.", "model_name");
        }
        String name = value.strip();
        if (name.length() > MAX_MODEL_NAME_LENGTH) {
            throw ApiError.invalidRequest("'model_name' must be at most " + MAX_MODEL_NAME_LENGTH + " characters.",
                    "model_name");
        }
        return name;
    }

    private static ApiError notFound(long modelId) {
        return ApiError.of(ErrorCode.NOT_FOUND, "model_id", "Provider model " + modelId + " not found.");
    }
}
