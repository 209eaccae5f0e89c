package nexus.shared.db;

import org.jdbi.v3.core.Handle;

/** Test helper: a provider row carrying secrets, and a column as it is stored on disk. */
final class SecretRows {

    static final String SERVER_KEY = "sk-upstream-secret-123456";
    static final String PROXY = "http://alice:proxy-password@proxy.local:3128";

    private SecretRows() {}

    static NewProvider provider(String serverKey, String httpProxy) {
        return new NewProvider("OpenAI", ProviderKind.OPENAI, "https://api.openai.com/v1", serverKey, "key-1", "", true,
                1_000L, httpProxy);
    }

    /** The column of the only provider row, read without decrypting it. */
    static String storedColumn(Database database, String column) {
        try (Handle handle = database.openHandle()) {
            return handle.createQuery("SELECT " + column + " FROM provider").mapTo(String.class).one();
        }
    }
}
