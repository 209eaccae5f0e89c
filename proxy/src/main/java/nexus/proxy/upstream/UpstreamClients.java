package nexus.proxy.upstream;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import nexus.shared.db.Provider;
import nexus.shared.db.ProxyAddress;
import nexus.shared.error.ApiError;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * The HTTP client each provider is called with: the shared direct one, or for a provider with an {@code http_proxy}
 * a client derived from it (same connection pool, dispatcher and timeouts) that goes through that proxy. Derived
 * clients are made once per proxy address. Thread-safe.
 */
public final class UpstreamClients {

    private final OkHttpClient direct;
    private final ConcurrentMap<String, OkHttpClient> byProxy = new ConcurrentHashMap<>();

    public UpstreamClients(OkHttpClient direct) {
        this.direct = direct;
    }

    /** The client for this provider; 502 upstream_unavailable when its stored proxy address is unusable. */
    public OkHttpClient forProvider(Provider provider) {
        String proxy = provider.httpProxy();
        if (proxy.isEmpty()) {
            return direct;
        }
        OkHttpClient client = byProxy.get(proxy);
        return client != null ? client : byProxy.computeIfAbsent(proxy, value -> through(provider, value));
    }

    private OkHttpClient through(Provider provider, String value) {
        ProxyAddress address;
        try {
            address = ProxyAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw ApiError.upstreamUnavailable("The upstream provider '" + provider.name()
                    + "' has an http_proxy Nexus cannot use: " + e.getMessage());
        }
        InetSocketAddress socket = InetSocketAddress.createUnresolved(address.host(), address.port());
        OkHttpClient.Builder builder = direct.newBuilder();
        switch (address.scheme()) {
            case HTTP -> {
                builder.proxy(new Proxy(Proxy.Type.HTTP, socket));
                if (address.hasCredentials()) {
                    String credentials = Credentials.basic(address.username(), address.password());
                    // Plain http: the credentials go on each request (to the proxy, which reads the whole request).
                    builder.addNetworkInterceptor(chain -> chain.proceed(chain.request().isHttps() ? chain.request()
                            : chain.request().newBuilder().header("Proxy-Authorization", credentials).build()));
                    // https: OkHttp asks here, before its CONNECT and on a 407, for the tunnel's credentials.
                    builder.proxyAuthenticator((route, response) -> proxyAuthorization(response.request(), credentials));
                }
            }
            case SOCKS5 -> {
                builder.proxy(new Proxy(Proxy.Type.SOCKS, socket));
                if (address.hasCredentials()) {
                    SocksCredentials.register(address);
                }
            }
        }
        return builder.build();
    }

    /** The request again with the credentials, unless it already carried them and the proxy still refused. */
    private static Request proxyAuthorization(Request refused, String credentials) {
        if (credentials.equals(refused.header("Proxy-Authorization"))) {
            return null;
        }
        return refused.newBuilder().header("Proxy-Authorization", credentials).build();
    }
}
