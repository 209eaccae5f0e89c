package nexus.shared.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

import nexus.shared.error.ApiError;

/**
 * Amounts of the instance's one currency. In the database and in memory an amount is a whole number of nano-units
 * (10^-9), so sums are exact and never a floating-point number; on the wire it is a decimal string. Stateless.
 */
public final class Money {

    /** Nano-units per unit of currency. */
    public static final long NANOS = 1_000_000_000L;
    /** The largest amount, price, top-up or cap accepted: a billion units keeps every sum far inside a long. */
    public static final BigDecimal MAX = BigDecimal.valueOf(1_000_000_000L);
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,10}(\\.\\d{1,12})?");

    private Money() {}

    /**
     * The decimal a client sent as a string (digits, an optional point and up to 12 decimals; no sign, exponent or
     * number type) and at most {@link #MAX}; otherwise a 400 naming the field.
     */
    public static BigDecimal parse(String text, String field) {
        if (text == null || !DECIMAL.matcher(text).matches()) {
            throw ApiError.invalidRequest("'" + field + "' must be a decimal string of at least 0 such as \"20.00\""
                    + " (digits and at most 12 decimals, no sign or exponent).", field);
        }
        BigDecimal value = new BigDecimal(text);
        if (value.compareTo(MAX) > 0) {
            throw ApiError.invalidRequest("'" + field + "' must be at most " + MAX.toPlainString() + ".", field);
        }
        return value;
    }

    /** The amount in nano-units, rounded half up (an amount of more than 9 decimals cannot be held exactly). */
    public static long toNanos(BigDecimal amount) {
        return amount.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** The amount as the wire shows it: at least two decimals, and every non-zero one ({@code "0.000110"}, "20.00"). */
    public static String format(long nanos) {
        if (nanos == Long.MIN_VALUE) {
            return BigDecimal.valueOf(nanos, 9).toPlainString();
        }
        long abs = Math.abs(nanos);
        String fraction = Long.toString(abs % NANOS + NANOS).substring(1);  // nine digits, leading zeros kept
        int end = fraction.length();
        while (end > 2 && fraction.charAt(end - 1) == '0') {
            end--;
        }
        return (nanos < 0 ? "-" : "") + abs / NANOS + "." + fraction.substring(0, end);
    }

    /** A price as stored and shown: its plain digits, as exact as it was given. */
    public static String format(BigDecimal price) {
        return price == null ? null : price.toPlainString();
    }
}
