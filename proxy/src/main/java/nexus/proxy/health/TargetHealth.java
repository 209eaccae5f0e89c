package nexus.proxy.health;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import nexus.shared.db.Provider;

/**
 * Every target's {@link Circuit} (instance-wide, and one per route with health settings of its own), kept in memory
 * across reloads of the routing table so a reload does not forget a target's health; looked up only when the table
 * loads, never per request. Thread-safe.
 */
public final class TargetHealth {

    private final HealthSettings settings;
    private final LongSupplier nanos;
    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();

    /** @param nanos the clock of the breakers, in nanoseconds ({@link System#nanoTime} outside tests) */
    public TargetHealth(HealthSettings settings, LongSupplier nanos) {
        this.settings = settings;
        this.nanos = nanos;
    }

    /** The default settings on the system's clock. */
    public static TargetHealth withDefaults() {
        return new TargetHealth(HealthSettings.DEFAULTS, System::nanoTime);
    }

    /** The circuit of a provider's model, created closed the first time; told of the provider's row as it is now. */
    public Circuit circuit(Provider provider, String model) {
        Circuit circuit = circuits.computeIfAbsent(provider.id() + "\u0000" + model,
                key -> new Circuit(provider, model, "", settings, nanos));
        circuit.refresh(provider);
        return circuit;
    }

    /**
     * The circuit of a provider's model for a route with settings {@code own}: the shared one when they are the
     * instance's, else the route's own (a breaker cannot open after 3 failures and after 5 at once). A route whose
     * settings changed gets a fresh circuit in place of its old one, published at once so its row shows it.
     */
    public Circuit circuit(Provider provider, String model, String route, HealthSettings own) {
        if (own.equals(settings)) {
            return circuit(provider, model);
        }
        Circuit circuit = circuits.compute(provider.id() + "\u0000" + model + "\u0000" + route, (key, old) -> {
            if (old != null && old.settings().equals(own)) {
                return old;
            }
            Circuit fresh = new Circuit(provider, model, route, own, nanos);
            if (old != null) {
                fresh.publishAgain();
            }
            return fresh;
        });
        circuit.refresh(provider);
        return circuit;
    }

    /** The instance-wide settings, which a route's own settings fill in where it has none. */
    public HealthSettings settings() {
        return settings;
    }

    /** Every circuit ever made. */
    public Collection<Circuit> circuits() {
        return circuits.values();
    }
}
