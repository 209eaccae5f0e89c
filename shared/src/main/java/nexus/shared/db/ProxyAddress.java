package nexus.shared.db;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An outbound proxy a provider is reached through, read from its {@code http_proxy}:
 * {@code http://host:port} or {@code socks5://host:port}, each with optional {@code user:password@}.
 * The password is a secret: {@link #toString()} and {@link #masked(String)} hide it.
 */
public record ProxyAddress(Scheme scheme, String host, int port, String username, String password) {

    public enum Scheme { HTTP, SOCKS5 }

    /** A password shows as this alone: even part of a short one would give too much away. */
    private static final String HIDDEN = "…";
    private static final String SHAPE = "http://host:port or socks5://host:port, with optional user:password@";

    /** Parses a provider's {@code http_proxy}; throws IllegalArgumentException with a message fit for the user. */
    public static ProxyAddress parse(String value) {
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'http_proxy' must look like " + SHAPE + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Scheme parsed = switch (scheme) {
            case "http" -> Scheme.HTTP;
            case "socks5" -> Scheme.SOCKS5;
            default -> throw new IllegalArgumentException("'http_proxy' must start with http:// or socks5://.");
        };
        if (uri.getHost() == null || uri.getPort() < 1) {
            throw new IllegalArgumentException("'http_proxy' must name a host and a port: " + SHAPE + ".");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'http_proxy' must have no path or query: " + SHAPE + ".");
        }
        String username = "";
        String password = "";
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        }
        return new ProxyAddress(parsed, uri.getHost(), uri.getPort(), username, password);
    }

    /** The value with its password masked, for display; empty stays empty, an unparsable value is masked whole. */
    public static String masked(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        try {
            return parse(value).toString();
        } catch (IllegalArgumentException e) {
            return Secrets.mask(value);
        }
    }

    public boolean hasCredentials() {
        return !username.isEmpty();
    }

    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The address in URL form with the password masked; the user name shown. */
    @Override
    public String toString() {
        String credentials = hasCredentials() ? username + (password.isEmpty() ? "" : ":" + HIDDEN) + "@" : "";
        return scheme.name().toLowerCase(Locale.ROOT) + "://" + credentials + host + ":" + port;
    }
}
