package nexus.admin.provider;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

import nexus.shared.db.MockSettings;
import nexus.shared.db.NewProvider;
import nexus.shared.db.Provider;
import nexus.shared.db.ProviderKind;
import nexus.shared.db.ProxyAddress;
import nexus.shared.db.ResponsesMode;
import nexus.shared.db.Secrets;
import nexus.shared.error.ApiError;

/** What makes a provider valid, checked on the whole provider a create or an update would store. Stateless. */
final class ProviderRules {

    static final int MAX_NAME_LENGTH = 200;
    static final int MAX_KEY_LENGTH = 200;
    static final int MAX_URL_LENGTH = 2_000;
    static final Set<String> REGIONS = Set.of("", "cn", "overseas");

    private ProviderRules() {}

    /** A create's fields, the left-out ones set to their defaults. */
    static ProviderRequest withDefaults(ProviderRequest request) {
        return new ProviderRequest(
                request.name(),
                orDefault(request.kind(), ProviderKind.OPENAI.wireName()),
                orDefault(request.serverUrl(), ""),
                orDefault(request.serverKey(), ""),
                request.personalizedKey(),
                orDefault(request.description(), ""),
                request.enabled() == null ? Boolean.TRUE : request.enabled(),
                orDefault(request.httpProxy(), ""),
                orDefault(request.responses(), ResponsesMode.AUTO.wireName()),
                orDefault(request.region(), ""));
    }

    /** An update's fields over the stored provider; the masked secrets a GET showed stand for the real ones. */
    static ProviderRequest over(Provider current, ProviderRequest request) {
        String serverKey = request.serverKey();
        if (serverKey == null || serverKey.strip().equals(Secrets.mask(current.serverKey()))) {
            serverKey = current.serverKey();
        }
        String httpProxy = request.httpProxy();
        if (httpProxy == null || httpProxy.strip().equals(ProxyAddress.masked(current.httpProxy()))) {
            httpProxy = current.httpProxy();
        }
        return new ProviderRequest(
                orDefault(request.name(), current.name()),
                orDefault(request.kind(), current.kind().wireName()),
                orDefault(request.serverUrl(), current.serverUrl()),
                serverKey,
                orDefault(request.personalizedKey(), current.personalizedKey()),
                orDefault(request.description(), current.description()),
                request.enabled() == null ? current.enabled() : request.enabled(),
                httpProxy,
                orDefault(request.responses(), current.responses().wireName()),
                orDefault(request.region(), current.region()));
    }

    /** Checks and normalizes a complete provider; throws a 400 ApiError naming the first wrong field. */
    static NewProvider validate(ProviderRequest provider, long createdAtMillis) {
        String name = required(provider.name(), "name").strip();
        if (name.length() > MAX_NAME_LENGTH) {
            throw ApiError.invalidRequest("'name' must be at most " + MAX_NAME_LENGTH + " characters.", "name");
        }
        ProviderKind kind = ProviderKind.fromWireName(provider.kind()).orElseThrow(() -> ApiError.invalidRequest(
                "'kind' must be one of: " + ProviderKind.wireNames() + ".", "kind"));
        String serverUrl = serverUrl(kind, provider.serverUrl());
        String personalizedKey = required(provider.personalizedKey(), "personalized_key");
        if (personalizedKey.length() > MAX_KEY_LENGTH) {
            throw ApiError.invalidRequest("'personalized_key' must be at most " + MAX_KEY_LENGTH + " characters.",
                    "personalized_key");
        }
        if (personalizedKey.codePoints().anyMatch(Character::isWhitespace)) {
            throw ApiError.invalidRequest("'personalized_key' must not contain whitespace.", "personalized_key");
        }
        return new NewProvider(name, kind, serverUrl, provider.serverKey().strip(), personalizedKey,
                provider.description(), provider.enabled(), createdAtMillis, httpProxy(kind, provider.httpProxy()),
                responses(kind, provider.responses()), region(provider.region()));
    }

    /** cn, overseas, or empty for a provider that serves both. */
    private static String region(String value) {
        if (!REGIONS.contains(value)) {
            throw ApiError.invalidRequest("'region' must be \"cn\", \"overseas\", or \"\" for a provider that serves"
                    + " both.", "region");
        }
        return value;
    }

    /** Auto or translate for any kind; native only for openai, the one kind whose server may speak it. */
    private static ResponsesMode responses(ProviderKind kind, String value) {
        ResponsesMode mode = ResponsesMode.fromWireName(value).orElseThrow(() -> ApiError.invalidRequest(
                "'responses' must be one of: " + ResponsesMode.wireNames() + ".", "responses"));
        if (mode == ResponsesMode.NATIVE && kind != ProviderKind.OPENAI) {
            throw ApiError.invalidRequest("'responses' can be native only for a provider of kind openai.", "responses");
        }
        return mode;
    }

    /** Empty for a direct connection; else a parsable proxy address, for kinds that make network calls. */
    private static String httpProxy(ProviderKind kind, String value) {
        String proxy = withoutTrailingSlashes(value.strip());
        if (proxy.isEmpty()) {
            return "";
        }
        if (kind == ProviderKind.MOCK) {
            throw ApiError.invalidRequest("'http_proxy' does not apply to a provider of kind mock, which makes no "
                    + "network calls.", "http_proxy");
        }
        if (proxy.length() > MAX_URL_LENGTH) {
            throw ApiError.invalidRequest("'http_proxy' must be at most " + MAX_URL_LENGTH + " characters.",
                    "http_proxy");
        }
        try {
            ProxyAddress.parse(proxy);
            return proxy;
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidRequest(e.getMessage(), "http_proxy");
        }
    }

    private static String serverUrl(ProviderKind kind, String value) {
        String url = withoutTrailingSlashes(value.strip());
        if (url.length() > MAX_URL_LENGTH) {
            throw ApiError.invalidRequest("'server_url' must be at most " + MAX_URL_LENGTH + " characters.",
                    "server_url");
        }
        return switch (kind) {
            case OPENAI, ANTHROPIC -> httpUrl(kind, url);
            case MOCK -> mockUrl(url);
        };
    }

    private static String httpUrl(ProviderKind kind, String url) {
        if (url.isEmpty()) {
            throw ApiError.invalidRequest("'server_url' is required for a provider of kind " + kind.wireName() + ".",
                    "server_url");
        }
        if (!isHttpUrl(url)) {
            throw ApiError.invalidRequest("'server_url' must be an absolute http or https URL, such as "
                    + "https://api.openai.com/v1.", "server_url");
        }
        if (URI.create(url).getRawUserInfo() != null) {
            throw ApiError.invalidRequest("'server_url' must not carry credentials (user:password@): put the upstream's"
                    + " key in 'server_key', and a proxy's credentials in 'http_proxy', where they are kept"
                    + " encrypted and masked.", "server_url");
        }
        return url;
    }

    private static String mockUrl(String url) {
        try {
            MockSettings.parse(url);
            return url;
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidRequest(e.getMessage(), "server_url");
        }
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String withoutTrailingSlashes(String url) {
        String result = url;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ApiError.invalidRequest("'" + field + "' is required and must not be blank.", field);
        }
        return value;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
