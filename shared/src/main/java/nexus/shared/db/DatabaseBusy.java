package nexus.shared.db;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import nexus.shared.error.ApiError;

/** Tells SQLite's giving up on another connection's lock from other failures, and makes it the 503 clients retry. */
public final class DatabaseBusy {

    private static final int MAX_CAUSES = 16;

    private DatabaseBusy() {}

    /** True when SQLite gave up because another connection held a lock (SQLITE_BUSY or SQLITE_LOCKED, any variant). */
    public static boolean isCause(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause instanceof SQLiteException sqlite) {
                int primary = sqlite.getResultCode().code & 0xFF;
                if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@link ApiError#databaseBusy()} for a failure caused by a lock, else the failure itself. */
    public static RuntimeException translated(RuntimeException failure) {
        return isCause(failure) ? ApiError.databaseBusy() : failure;
    }
}
