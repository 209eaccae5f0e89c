package nexus.proxy.routing;

import nexus.shared.db.Provider;

/** Where one request goes: the provider row and the model name to ask it for. */
public record Target(Provider provider, String model) {}
