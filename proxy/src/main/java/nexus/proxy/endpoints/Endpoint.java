package nexus.proxy.endpoints;

import nexus.shared.db.ModelType;

/** The OpenAI-format endpoints the proxy forwards besides chat: where each goes upstream and which models serve it. */
public enum Endpoint {
    EMBEDDINGS("/v1/embeddings", "embeddings", "embeddings", ModelType.EMBEDDING, new EmbeddingsRules()),
    RERANK("/v1/rerank", "rerank", "rerank", ModelType.RERANK, new RerankRules()),
    IMAGES_GENERATIONS("/v1/images/generations", "images/generations", "images.generations", ModelType.IMAGE,
            new ImagesRules()),
    COMPLETIONS("/v1/completions", "completions", "completions", ModelType.CHAT, new CompletionsRules());

    private final String path;
    private final String upstreamPath;
    private final String usageName;
    private final ModelType modelType;
    private final EndpointRules rules;

    Endpoint(String path, String upstreamPath, String usageName, ModelType modelType, EndpointRules rules) {
        this.path = path;
        this.upstreamPath = upstreamPath;
        this.usageName = usageName;
        this.modelType = modelType;
        this.rules = rules;
    }

    /** Where clients call it on the proxy (its main path; aliases exist). */
    public String path() {
        return path;
    }

    /** Its path under a provider's base URL. */
    public String upstreamPath() {
        return upstreamPath;
    }

    /** What a usage row calls it. */
    public String usageName() {
        return usageName;
    }

    /** The type of model it serves. */
    public ModelType modelType() {
        return modelType;
    }

    /** What sets it apart: how its request is checked and how its answer's cost is read. */
    public EndpointRules rules() {
        return rules;
    }
}
