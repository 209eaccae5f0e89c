package nexus.shared.db;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

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
        return Arrays.stream(values()).filter(kind -> kind.wireName().equals(value)).findFirst();
    }

    /** The accepted names, for error messages: "openai, anthropic, mock". */
    public static String wireNames() {
        return Arrays.stream(values()).map(ProviderKind::wireName).collect(Collectors.joining(", "));
    }
}
