package nexus.admin.provider;

import java.time.Clock;
import java.util.List;

import nexus.shared.db.Database;
import nexus.shared.db.NewProvider;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderDao;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/** Lists, creates, changes and deletes providers; knows nothing of HTTP. Thread-safe. */
public final class ProviderService {

    private final Database database;
    private final ProviderDao providers;
    private final Clock clock;

    public ProviderService(Database database, Clock clock) {
        this.database = database;
        this.providers = database.dao(ProviderDao.class);
        this.clock = clock;
    }

    public List<ProviderView> list() {
        return providers.listAll().stream().map(ProviderView::of).toList();
    }

    public ProviderView get(long providerId) {
        return ProviderView.of(providers.findById(providerId).orElseThrow(() -> notFound(providerId)));
    }

    public ProviderView create(ProviderRequest request) {
        NewProvider provider = ProviderRules.validate(ProviderRules.withDefaults(request), clock.millis());
        long id = providers.insert(provider);
        return ProviderView.of(stored(id, provider));
    }

    /** Applies the fields the request carries; the others keep their value. */
    public ProviderView update(long providerId, ProviderRequest request) {
        return database.inTransaction(handle -> {
            ProviderDao dao = handle.attach(ProviderDao.class);
            Provider current = dao.findById(providerId).orElseThrow(() -> notFound(providerId));
            Provider changed = stored(providerId,
                    ProviderRules.validate(ProviderRules.over(current, request), current.createdAtMillis()));
            dao.update(changed);
            return ProviderView.of(changed);
        });
    }

    /** Deletes the provider and, by cascade, its models. */
    public void delete(long providerId) {
        if (!providers.deleteById(providerId)) {
            throw notFound(providerId);
        }
    }

    static ApiError notFound(long providerId) {
        return ApiError.of(ErrorCode.NOT_FOUND, "provider_id", "Provider " + providerId + " not found.");
    }

    private static Provider stored(long id, NewProvider provider) {
        return new Provider(id, provider.name(), provider.kind(), provider.serverUrl(), provider.serverKey(),
                provider.personalizedKey(), provider.description(), provider.enabled(), provider.createdAtMillis(),
                provider.httpProxy(), provider.responses(), provider.region());
    }
}
