package nexus.proxy.routing;

/**
 * Which attempt of a client's call one upstream call is, as its usage row tells it.
 *
 * @param number          1 for the first target tried, 2 for its fallback, …
 * @param route           the route the client named, or null for a plain model name
 * @param pastOpenCircuit true when its target was tried although its circuit was open, because every target's was
 */
public record Try(int number, String route, boolean pastOpenCircuit) {

    /** The only attempt of a call for a plain model name one target serves. */
    public static final Try FIRST = new Try(1, null, false);
}
