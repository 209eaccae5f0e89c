package nexus.proxy.upstream.anthropic;

import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

import nexus.proxy.upstream.UpstreamCall;
import nexus.shared.db.Provider;

/**
 * Builds requests to Anthropic's Messages API: a POST to {@code {server_url}/messages} with the API version and the
 * provider's server key as {@code x-api-key}. Used by the anthropic kind's translation and by the pass-through of
 * {@code /v1/messages} and {@code /v1/messages/count_tokens}.
 */
public final class MessagesApiRequests {

    /** The API version the translation follows, and the one asked for when a client names none. */
    public static final String API_VERSION = "2023-06-01";
    private static final MediaType JSON = MediaType.get("application/json");

    private MessagesApiRequests() {}

    /** A POST of a JSON body asking for {@code version} of the API. */
    public static Request.Builder post(Provider provider, String version, byte[] json) {
        return post(provider, "messages", version, json);
    }

    /** A POST of a JSON body to {@code {server_url}/{path}}, e.g. {@code messages/count_tokens}. */
    public static Request.Builder post(Provider provider, String path, String version, byte[] json) {
        Request.Builder request = new Request.Builder()
                .url(UpstreamCall.endpoint(provider, path))
                .header("anthropic-version", version)
                .post(RequestBody.create(json, JSON));
        if (!provider.serverKey().isEmpty()) {
            request.header("x-api-key", provider.serverKey());
        }
        return request;
    }
}
