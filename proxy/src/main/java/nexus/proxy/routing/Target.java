package nexus.proxy.routing;

import nexus.proxy.billing.CostFormula;
import nexus.shared.db.ModelPrices;
import nexus.shared.db.ModelType;
import nexus.shared.db.Provider;

/**
 * Where one request goes: the provider row, the model name to ask it for, what kind of model that is, its prices (and
 * the formula that applies them), and the most output tokens assumed for it when a request does not say.
 */
public record Target(Provider provider, String model, ModelType type, ModelPrices prices, CostFormula cost,
                     int maxOutputTokens) {}
