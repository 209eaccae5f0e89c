package nexus.proxy.alerts;

import java.time.YearMonth;

/**
 * A key's money as it stood at one moment, in nano-units. Nulls: no cap / not metered / never topped up;
 * {@code lastTopupId} is 0 when never topped up. An empty or null {@code webhookUrl} means the key wants no alerts.
 */
public record SpendSnapshot(long keyId, String keyName, String webhookUrl, String webhookSecret,
                            Long capNanos, long monthSpendNanos, YearMonth month,
                            Long balanceNanos, Long lastTopupNanos, long lastTopupId) {

    @Override
    public String toString() {  // the webhook URL and secret stay out of every log line
        return "SpendSnapshot[keyId=" + keyId + ", month=" + month + "]";
    }
}
