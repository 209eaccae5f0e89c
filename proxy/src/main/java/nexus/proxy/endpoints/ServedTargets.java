package nexus.proxy.endpoints;

import java.util.function.Predicate;
import java.util.stream.Collectors;

import nexus.proxy.routing.Candidates;
import nexus.proxy.routing.Target;
import nexus.proxy.upstream.UpstreamAdapters;
import nexus.shared.error.ApiError;

/**
 * Leaves out of a call's candidates, before its first attempt, the targets whose provider's kind does not serve the
 * endpoint, so the failover neither tries them nor counts them against their circuits. Thread-safe.
 */
public final class ServedTargets {

    private final Endpoint endpoint;
    private final Predicate<Target> serves;

    ServedTargets(Endpoint endpoint, UpstreamAdapters adapters) {
        this.endpoint = endpoint;
        this.serves = target -> adapters.forKind(target.provider().kind()).serves(endpoint);
    }

    /**
     * The candidates that serve the endpoint, in their order; a 400 naming the endpoint and each provider's kind,
     * which reaches no upstream and records nothing, when there is none.
     */
    public Candidates of(Candidates candidates) {
        Candidates served = candidates.keeping(serves);
        if (served.targets().isEmpty()) {
            String kinds = candidates.targets().stream().map(Target::provider).distinct()
                    .map(provider -> "'" + provider.name() + "' is of kind " + provider.kind().wireName())
                    .collect(Collectors.joining(", "));
            throw ApiError.invalidRequest("No provider of the model '" + candidates.name() + "' serves "
                    + endpoint.path() + ": " + kinds + ".", "model");
        }
        return served;
    }
}
