package nexus.proxy.alerts;

import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.shared.money.Money;

/**
 * The JSON body of an alert webhook (snake_case on the wire). {@code threshold} is a fraction (0.5, 0.8, 1 of the cap;
 * 0.1 of the last top-up); money is decimal strings in {@code currency}, null where the key has none (no cap, not
 * metered, never topped up); {@code month} is the calendar month (UTC) of the spend.
 */
record AlertBody(String event, long keyId, String keyName, BigDecimal threshold, String spend, String cap,
                 String balance, String lastTopup, String currency, String month, String occurredAt) {

    static AlertBody of(AlertEvent event, String currency) {
        SpendSnapshot money = event.snapshot();
        return new AlertBody(event.event(), money.keyId(), money.keyName(),
                BigDecimal.valueOf(event.thresholdPercent(), 2).stripTrailingZeros(),
                Money.format(money.monthSpendNanos()), format(money.capNanos()), format(money.balanceNanos()),
                format(money.lastTopupNanos()), currency, money.month().toString(),
                event.occurredAt().truncatedTo(ChronoUnit.MILLIS).toString());
    }

    String toJson(ObjectMapper mapper) {
        try {
            return mapper.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An alert body cannot be written as JSON", e);
        }
    }

    private static String format(Long nanos) {
        return nanos == null ? null : Money.format(nanos);
    }
}
