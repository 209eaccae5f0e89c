package nexus.proxy.routing;

/** Puts the candidates of one name in the order one request tries them. Thread-safe. */
@FunctionalInterface
public interface TargetOrder {

    /**
     * The indexes into {@code candidates.targets()} in the order to try them: a permutation of them, or a prefix of
     * one; {@code stream} tells whether the request streams (time to first token matters then).
     */
    int[] order(Candidates candidates, boolean stream);
}
