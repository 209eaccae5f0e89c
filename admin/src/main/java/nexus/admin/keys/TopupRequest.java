package nexus.admin.keys;

import java.math.BigDecimal;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import nexus.admin.provider.JsonFields;
import nexus.shared.error.ApiError;
import nexus.shared.money.Money;

/** A top-up as sent to {@code POST /keys/{id}/topups}, checked: amount in nano-units, idempotency key, note. */
record TopupRequest(long amountNanos, String idempotencyKey, String note) {

    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;
    private static final Set<String> FIELDS = Set.of("amount", "idempotency_key", "note");

    static TopupRequest parse(ObjectMapper mapper, byte[] body) {
        JsonFields fields = JsonFields.parse(mapper, body, FIELDS);
        BigDecimal amount = fields.money("amount");
        if (amount == null || amount.signum() == 0 || amount.stripTrailingZeros().scale() > 9) {
            throw ApiError.invalidRequest("'amount' is required: a decimal string greater than 0 with at most 9"
                    + " decimals, such as \"20.00\".", "amount");
        }
        String idempotencyKey = fields.text("idempotency_key");
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            throw ApiError.invalidRequest("'idempotency_key' is required: 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH
                    + " characters that name this top-up, so that sending it again adds nothing.", "idempotency_key");
        }
        String note = fields.multilineText("note", JsonFields.MAX_DESCRIPTION_LENGTH);
        return new TopupRequest(Money.toNanos(amount), idempotencyKey, note == null ? "" : note);
    }
}
