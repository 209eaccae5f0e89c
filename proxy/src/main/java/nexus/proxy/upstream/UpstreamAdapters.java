package nexus.proxy.upstream;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.proxy.upstream.anthropic.AnthropicAdapter;
import nexus.proxy.upstream.mock.MockAdapter;
import nexus.proxy.upstream.openai.OpenAiAdapter;
import nexus.proxy.usage.TokenCounter;
import nexus.shared.db.ProviderKind;

/** Maps each provider kind to its adapter; the switch has no default, so a new kind does not compile without one. */
public final class UpstreamAdapters {

    private final Map<ProviderKind, UpstreamAdapter> byKind = new EnumMap<>(ProviderKind.class);

    public UpstreamAdapters(UpstreamClients http, UpstreamWatchdog watchdog, ObjectMapper mapper, TokenCounter tokens,
                            Clock clock) {
        for (ProviderKind kind : ProviderKind.values()) {
            byKind.put(kind, switch (kind) {
                case OPENAI -> new OpenAiAdapter(http, watchdog, mapper);
                case ANTHROPIC -> new AnthropicAdapter(http, watchdog, mapper, clock);
                case MOCK -> new MockAdapter(mapper, tokens, clock);
            });
        }
    }

    public UpstreamAdapter forKind(ProviderKind kind) {
        return byKind.get(kind);
    }
}
