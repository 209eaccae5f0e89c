package nexus.shared.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.jdbi.v3.core.transaction.TransactionException;

/**
 * Transactions begun and ended by SQL statements on a connection left in auto-commit mode. The driver's own, through
 * {@code setAutoCommit(false)}, begin the next transaction inside every {@code commit()} (so an IMMEDIATE one takes the
 * write lock a second time, and can fail as busy after its data was committed), and after a {@code BEGIN} that failed
 * the driver believes a transaction is open, so the statements that follow commit one by one.
 */
public final class Transactions {

    private Transactions() {}

    /** Runs work in a transaction that takes the write lock at once: for work that writes. */
    public static <R, X extends Exception> R immediate(Connection connection, SqlWork<R, X> work) throws X {
        return run(connection, "BEGIN IMMEDIATE", work);
    }

    /** Runs work in a transaction that takes no lock until it needs one: for work that only reads. */
    public static <R, X extends Exception> R deferred(Connection connection, SqlWork<R, X> work) throws X {
        return run(connection, "BEGIN DEFERRED", work);
    }

    private static <R, X extends Exception> R run(Connection connection, String begin, SqlWork<R, X> work) throws X {
        execute(connection, begin, "Failed to start transaction");
        R result;
        try {
            result = work.run();
        } catch (Throwable failure) {
            rollback(connection, failure);
            throw failure;
        }
        try {
            execute(connection, "COMMIT", "Failed to commit transaction");
        } catch (TransactionException failure) {
            rollback(connection, failure);
            throw failure;
        }
        return result;
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            execute(connection, "ROLLBACK", "Failed to roll back transaction");
        } catch (TransactionException e) {
            failure.addSuppressed(e);
        }
    }

    private static void execute(Connection connection, String sql, String failure) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new TransactionException(failure, e);
        }
    }
}
