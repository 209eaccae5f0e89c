package nexus.admin.keys;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

import nexus.shared.error.ApiError;

/** Checks alert webhook URLs: HTTPS, or plain HTTP to a loopback host for local tools; no credentials. Stateless. */
final class WebhookUrls {

    static final int MAX_LENGTH = 2_000;

    private WebhookUrls() {}

    static String checked(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw refused("'url' is not a valid URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (url.length() > MAX_LENGTH || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw refused("'url' must be an absolute https URL of at most " + MAX_LENGTH
                    + " characters, without credentials.");
        }
        if (scheme.equals("https") || (scheme.equals("http") && isLoopback(uri.getHost()))) {
            return url;
        }
        throw refused("'url' must use https; plain http is allowed only to a loopback host (localhost, 127.0.0.1, [::1]).");
    }

    private static boolean isLoopback(String host) {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!bare.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;  // a name other than localhost is never resolved: it could point anywhere later
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static ApiError refused(String message) {
        return ApiError.invalidRequest(message, "url");
    }
}
