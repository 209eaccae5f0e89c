package nexus.shared.db;

/** The usage row a rating is about, as far as feedback needs it: where the generation came from. */
public record GenerationSource(String generationId, String route, long providerId, String model) {}
