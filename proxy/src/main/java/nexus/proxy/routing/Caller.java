package nexus.proxy.routing;

import java.util.List;

import nexus.shared.db.Provider;

/** An authenticated client: its personalized key and the enabled providers that key opens, lowest id first. */
public record Caller(String apiKey, List<Provider> providers) {

    @Override
    public String toString() {
        return "Caller[providers=" + providers.stream().map(Provider::id).toList() + "]";
    }
}
