package nexus.proxy.upstream.openai;

import nexus.proxy.upstream.UpstreamCall;
import nexus.shared.db.Provider;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/** Builds requests to an OpenAI-compatible server: a path under its base URL, its server key as a Bearer token. */
public final class OpenAiRequests {

    private static final MediaType JSON = MediaType.get("application/json");

    private OpenAiRequests() {}

    /** A request to {@code path} under the provider's URL, authorised with its server key when it has one. */
    public static Request.Builder to(Provider provider, String path) {
        return to(provider, UpstreamCall.endpoint(provider, path));
    }

    /** A request to a URL built from {@link UpstreamCall#endpoint}, authorised with the provider's server key. */
    public static Request.Builder to(Provider provider, HttpUrl url) {
        Request.Builder request = new Request.Builder().url(url);
        if (!provider.serverKey().isEmpty()) {
            request.header("Authorization", "Bearer " + provider.serverKey());
        }
        return request;
    }

    /** A POST of a JSON body; a streaming one asks for server-sent events. */
    public static Request postJson(Provider provider, String path, byte[] json, boolean stream) {
        Request.Builder request = to(provider, path).post(RequestBody.create(json, JSON));
        if (stream) {
            request.header("Accept", "text/event-stream");
        }
        return request.build();
    }
}
