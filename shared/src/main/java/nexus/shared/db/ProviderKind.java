package nexus.shared.db;

import java.util.Locale;
import java.util.Optional;

/** The wire protocol a provider speaks; stored lower-case in {@code provider.kind}. */
public enum ProviderKind implements WireNamed {
    /** Any OpenAI-compatible server: OpenAI, DeepSeek, Qwen, GLM, Grok, vLLM, Ollama … */
    OPENAI,
    /** Anthropic's Messages API; OpenAI chat requests and answers are translated both ways. */
    ANTHROPIC,
    /** Answers locally and deterministically, for trying Nexus out and measuring it alone. */
    MOCK;

    @Override
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ProviderKind> fromWireName(String value) {
        return WireNamed.find(ProviderKind.class, value);
    }

    /** The accepted names, for error messages: "openai, anthropic, mock". */
    public static String wireNames() {
        return WireNamed.names(ProviderKind.class);
    }
}
