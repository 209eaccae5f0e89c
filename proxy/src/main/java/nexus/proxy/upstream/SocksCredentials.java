package nexus.proxy.upstream;

import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import nexus.shared.db.ProxyAddress;

/**
 * User names and passwords for SOCKS5 proxies. The JDK's SOCKS client asks only the process-wide default
 * {@link Authenticator} for them, so this one is installed on first use and answers SOCKS requests by proxy host and
 * port, and nothing else. Thread-safe.
 */
final class SocksCredentials extends Authenticator {

    private static final SocksCredentials INSTANCE = new SocksCredentials();
    private static volatile boolean installed;

    private final Map<String, PasswordAuthentication> byProxy = new ConcurrentHashMap<>();

    private SocksCredentials() {}

    static void register(ProxyAddress address) {
        INSTANCE.byProxy.put(key(address.host(), address.port()),
                new PasswordAuthentication(address.username(), address.password().toCharArray()));
        if (!installed) {
            synchronized (SocksCredentials.class) {
                if (!installed) {
                    Authenticator.setDefault(INSTANCE);
                    installed = true;
                }
            }
        }
    }

    @Override
    protected PasswordAuthentication getPasswordAuthentication() {
        if (getRequestorType() != RequestorType.SERVER || !"SOCKS5".equals(getRequestingProtocol())) {
            return null;
        }
        return byProxy.get(key(getRequestingHost(), getRequestingPort()));
    }

    private static String key(String host, int port) {
        return host + ":" + port;
    }
}
