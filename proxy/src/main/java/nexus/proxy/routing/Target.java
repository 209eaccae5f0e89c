package nexus.proxy.routing;

import nexus.shared.db.ModelType;
import nexus.shared.db.Provider;

/** Where one request goes: the provider row, the model name to ask it for, and what kind of model that is. */
public record Target(Provider provider, String model, ModelType type) {}
