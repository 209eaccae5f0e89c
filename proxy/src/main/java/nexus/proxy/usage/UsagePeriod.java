package nexus.proxy.usage;

import java.time.LocalDate;
import java.util.Locale;
import java.util.stream.Stream;

import nexus.shared.error.ApiError;
import nexus.shared.usage.UsageWindow;

/** The {@code period} of {@code GET /v1/usage}: whole UTC days up to today. */
enum UsagePeriod {
    /** Today. */
    TODAY,
    /** The last 7 days, today included. */
    WEEK,
    /** The calendar month, from its first day to today. */
    MONTH;

    /** The value of {@code period}: absent is this month; anything but a period's name is a 400 naming it. */
    static UsagePeriod named(String value) {
        if (value == null) {
            return MONTH;
        }
        return Stream.of(values()).filter(period -> period.wireName().equals(value)).findFirst()
                .orElseThrow(() -> ApiError.invalidRequest("'period' must be one of today, week, month.", "period"));
    }

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    UsageWindow window(LocalDate today) {
        return switch (this) {
            case TODAY -> UsageWindow.lastDays(today, 1);
            case WEEK -> UsageWindow.lastDays(today, 7);
            case MONTH -> UsageWindow.monthOf(today);
        };
    }
}
