package nexus.shared.db;

import java.util.List;

import org.jdbi.v3.core.Jdbi;

import nexus.shared.secret.SecretCipher;

/**
 * The secret columns as stored, read and rewritten without the {@link Encrypted} codec: for the start-time check of
 * the key and the encryption of rows written before secrets were encrypted. Stateless.
 */
final class PlaintextSecrets {

    /** One provider's secret columns as they are on disk. */
    private record StoredSecrets(long id, String serverKey, String httpProxy) {}

    private PlaintextSecrets() {}

    /** True when some secret in the database is encrypted. */
    static boolean anyEncrypted(Jdbi jdbi) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT EXISTS (SELECT 1 FROM provider"
                        + " WHERE substr(server_key, 1, :length) = :prefix OR substr(http_proxy, 1, :length) = :prefix)"
                        + " OR EXISTS (SELECT 1 FROM api_key WHERE substr(alert_webhook_url, 1, :length) = :prefix"
                        + " OR substr(alert_webhook_secret, 1, :length) = :prefix)")
                .bind("prefix", SecretCipher.PREFIX)
                .bind("length", SecretCipher.PREFIX.length())
                .mapTo(Boolean.class)
                .one());
    }

    /**
     * In one transaction: decrypts every encrypted secret (a wrong key throws before anything is written) and encrypts
     * those stored as plain text. Idempotent: a second run finds nothing to encrypt.
     */
    static void encrypt(Jdbi jdbi, SecretCipher cipher) {
        jdbi.useHandle(handle -> Transactions.immediate(handle.getConnection(), () -> {
            List<StoredSecrets> rows = handle.createQuery("SELECT id, server_key, http_proxy FROM provider ORDER BY id")
                    .map((result, context) -> new StoredSecrets(result.getLong("id"), result.getString("server_key"),
                            result.getString("http_proxy")))
                    .list();
            for (StoredSecrets row : rows) {
                cipher.decrypt(row.serverKey());
                cipher.decrypt(row.httpProxy());
            }
            handle.createQuery("SELECT alert_webhook_url FROM api_key UNION ALL SELECT alert_webhook_secret FROM api_key")
                    .mapTo(String.class).forEach(cipher::decrypt);  // written encrypted always: only checked
            for (StoredSecrets row : rows) {
                if (isPlain(row.serverKey()) || isPlain(row.httpProxy())) {
                    handle.createUpdate("UPDATE provider SET server_key = :serverKey, http_proxy = :httpProxy"
                                    + " WHERE id = :id")
                            .bind("serverKey", encrypted(cipher, row.serverKey()))
                            .bind("httpProxy", encrypted(cipher, row.httpProxy()))
                            .bind("id", row.id())
                            .execute();
                }
            }
            return null;
        }));
    }

    private static boolean isPlain(String stored) {
        return !stored.isEmpty() && !SecretCipher.isEncrypted(stored);
    }

    private static String encrypted(SecretCipher cipher, String stored) {
        return isPlain(stored) ? cipher.encrypt(stored) : stored;
    }
}
