package nexus.proxy.health;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

import nexus.shared.db.Provider;

/**
 * Every target's {@link Circuit} (instance-wide, and one per route with health settings of its own), kept in memory
 * across reloads of the routing table so a reload does not forget a target's health, until a load no longer uses it;
 * looked up only when the table loads, never per request. Thread-safe.
 */
public final class TargetHealth {

    private final HealthSettings settings;
    private final LongSupplier nanos;
    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();
    /** The keys of the circuits asked for since the last {@link #forgetUnused}: those the table being loaded uses. */
    private final Set<String> inUse = ConcurrentHashMap.newKeySet();
    /** The circuits forgotten and not yet taken by the publisher. */
    private final Queue<Circuit> forgotten = new ConcurrentLinkedQueue<>();

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
        String key = provider.id() + "\u0000" + model;
        inUse.add(key);
        Circuit circuit = circuits.computeIfAbsent(key, any -> new Circuit(provider, model, "", settings, nanos));
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
        String key = provider.id() + "\u0000" + model + "\u0000" + route;
        inUse.add(key);
        Circuit circuit = circuits.compute(key, (any, old) -> {
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

    /** Every circuit in use. */
    public Collection<Circuit> circuits() {
        return circuits.values();
    }

    /**
     * Ends a load of the routing table: forgets the circuits it did not ask for (those of a deleted or renamed route
     * or model, of a route whose health settings went back to the instance's, of a model left with one provider), so
     * their published rows can go. Call once the whole table is built; only one load at a time.
     */
    public void forgetUnused() {
        circuits.keySet().stream().filter(key -> !inUse.contains(key)).toList()
                .forEach(key -> forgotten.add(circuits.remove(key)));
        inUse.clear();
    }

    /** The circuits forgotten since the last call, oldest first. */
    List<Circuit> takeForgotten() {
        List<Circuit> taken = new ArrayList<>();
        for (Circuit circuit = forgotten.poll(); circuit != null; circuit = forgotten.poll()) {
            taken.add(circuit);
        }
        return taken;
    }
}
