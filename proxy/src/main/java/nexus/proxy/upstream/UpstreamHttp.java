package nexus.proxy.upstream;

import java.net.Proxy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import nexus.shared.config.NexusConfig;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/** Builds the one OkHttpClient the proxy shares across adapters. */
public final class UpstreamHttp {

    private UpstreamHttp() {}

    public static OkHttpClient client(NexusConfig config) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(4_096);
        dispatcher.setMaxRequestsPerHost(4_096);
        return new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(256, 5, TimeUnit.MINUTES))
                .connectTimeout(config.upstreamConnectTimeout())
                .readTimeout(Duration.ZERO)                 // enforced by UpstreamWatchdog, without a shared lock
                .writeTimeout(Duration.ZERO)
                .callTimeout(Duration.ZERO)                 // a whole stream may rightly run for minutes
                .retryOnConnectionFailure(false)            // a replayed chat POST can be billed twice
                .followRedirects(false)
                .socketFactory(new UpstreamSockets())       // flushes a relay's client before each wait (see there)
                .proxy(Proxy.NO_PROXY)                      // a provider's own http_proxy, never the JVM's settings
                .build();
    }
}
