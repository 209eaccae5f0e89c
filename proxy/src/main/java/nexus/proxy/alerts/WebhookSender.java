package nexus.proxy.alerts;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLException;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import nexus.shared.db.AlertDelivery;

/**
 * Makes one signed attempt to deliver an outbox row and says how it went. Its descriptions of a failure never carry
 * the URL (which may hold a token) or the secret. Thread-safe.
 */
final class WebhookSender {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final MediaType JSON = MediaType.get("application/json");

    private final OkHttpClient http;
    private final Clock clock;

    WebhookSender(OkHttpClient http, Clock clock) {
        this.http = http.newBuilder()
                .callTimeout(TIMEOUT)
                .followRedirects(false)  // a redirect is not a delivery, and would carry the event elsewhere
                .followSslRedirects(false)
                // unlike a chat call, a webhook may be sent again: its webhook-id lets the receiver drop a repeat,
                // and a pooled connection the receiver has closed would otherwise fail the attempt
                .retryOnConnectionFailure(true)
                .build();
        this.clock = clock;
    }

    /** How one attempt ended: the HTTP status (null when no answer came) and, unless it was a 2xx, why not. */
    record Outcome(Integer statusCode, String error) {

        boolean delivered() {
            return error == null;
        }
    }

    Outcome send(AlertDelivery delivery, String url, String secret) {
        long timestamp = clock.instant().getEpochSecond();
        String signature;
        try {
            signature = WebhookSignature.sign(secret, delivery.webhookId(), timestamp, delivery.body());
        } catch (IllegalArgumentException e) {
            return new Outcome(null, e.getMessage());
        }
        Request request;
        try {
            request = new Request.Builder().url(url)
                    .header("webhook-id", delivery.webhookId())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", signature)
                    .header("User-Agent", "Nexus-Webhooks/1")
                    .post(RequestBody.create(delivery.body().getBytes(StandardCharsets.UTF_8), JSON))
                    .build();
        } catch (IllegalArgumentException e) {
            return new Outcome(null, "the webhook URL is not a valid http(s) URL");
        }
        try (Response response = http.newCall(request).execute()) {
            int status = response.code();
            return new Outcome(status, status / 100 == 2 ? null : "the webhook answered HTTP " + status);
        } catch (IOException e) {
            return new Outcome(null, describe(e));
        }
    }

    /** A failure without its message, which may name the host. */
    private static String describe(IOException failure) {
        return switch (failure) {
            case UnknownHostException e -> "the webhook host is unknown";
            case ConnectException e -> "the webhook host refused the connection";
            case SSLException e -> "the TLS handshake with the webhook host failed";
            case InterruptedIOException e -> "the webhook did not answer within " + TIMEOUT.toSeconds() + " s";
            default -> "the connection to the webhook failed (" + failure.getClass().getSimpleName() + ")";
        };
    }
}
