package nexus.proxy.video;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.proxy.upstream.UpstreamClients;
import nexus.proxy.upstream.UpstreamWatchdog;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderKind;
import nexus.shared.error.ApiError;

/** The provider kinds that serve videos, each with its {@link VideoUpstream}; a kind not listed here does not. */
final class VideoUpstreams {

    private final Map<ProviderKind, VideoUpstream> byKind = new EnumMap<>(ProviderKind.class);

    VideoUpstreams(UpstreamClients http, UpstreamWatchdog watchdog, ObjectMapper mapper, Clock clock) {
        byKind.put(ProviderKind.OPENAI, new OpenAiVideos(http, watchdog, mapper));
        byKind.put(ProviderKind.MOCK, new MockVideos(mapper, clock));
    }

    /** The provider's video upstream; 400 when its kind serves no videos. */
    VideoUpstream forProvider(Provider provider) {
        VideoUpstream upstream = byKind.get(provider.kind());
        if (upstream == null) {
            throw ApiError.invalidRequest("The provider '" + provider.name() + "' is of kind '"
                    + provider.kind().wireName() + "', which does not serve videos.", "model");
        }
        return upstream;
    }
}
