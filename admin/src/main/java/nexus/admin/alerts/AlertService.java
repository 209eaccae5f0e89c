package nexus.admin.alerts;

import java.util.List;

import nexus.shared.db.AlertDeliveryDao;
import nexus.shared.db.ApiKeyDao;
import nexus.shared.db.Database;
import nexus.shared.error.ApiError;
import nexus.shared.error.ErrorCode;

/** Reads a key's alert webhook deliveries from the outbox the proxy writes. Thread-safe. */
public final class AlertService {

    private final ApiKeyDao keys;
    private final AlertDeliveryDao deliveries;

    public AlertService(Database database) {
        this.keys = database.dao(ApiKeyDao.class);
        this.deliveries = database.dao(AlertDeliveryDao.class);
    }

    /** Every delivery of an active key, newest first; 404 for a key unknown or revoked. */
    public List<AlertDeliveryView> list(long keyId) {
        if (keys.findActive(keyId).isEmpty()) {
            throw ApiError.of(ErrorCode.NOT_FOUND, "id", "Key " + keyId + " not found.");
        }
        return deliveries.listByKey(keyId).stream().map(AlertDeliveryView::of).toList();
    }
}
