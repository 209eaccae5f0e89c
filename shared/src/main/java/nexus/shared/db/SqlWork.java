package nexus.shared.db;

/** Database work that returns a result and may throw one checked exception type. */
@FunctionalInterface
public interface SqlWork<R, X extends Exception> {

    R run() throws X;
}
