package nexus.shared.usage;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import nexus.shared.db.UsageRange;

/** A run of whole UTC days, {@code first} to {@code last} included, that a usage report covers. Immutable. */
public record UsageWindow(LocalDate first, LocalDate last) {

    /** The last {@code days} days, today included. */
    public static UsageWindow lastDays(LocalDate today, int days) {
        return new UsageWindow(today.minusDays(days - 1L), today);
    }

    /** The calendar month of today, from its first day to today. */
    public static UsageWindow monthOf(LocalDate today) {
        return new UsageWindow(today.withDayOfMonth(1), today);
    }

    /** Every day of the window, oldest first. */
    public List<LocalDate> days() {
        return Stream.iterate(first, day -> !day.isAfter(last), day -> day.plusDays(1)).toList();
    }

    /** All usage rows of the window. */
    public UsageRange allRows() {
        return UsageRange.all(fromMillis(), toMillis());
    }

    /** The window's rows of one issued key. */
    public UsageRange rowsOfKey(long keyId) {
        return UsageRange.ofKeyId(keyId, fromMillis(), toMillis());
    }

    /** The window's rows of one client, as {@code usage.api_key} names it. */
    public UsageRange rowsOfApiKey(String apiKey) {
        return UsageRange.ofApiKey(apiKey, fromMillis(), toMillis());
    }

    /** The start of the first day, in epoch milliseconds. */
    public long fromMillis() {
        return first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** The start of the day after the last, in epoch milliseconds (excluded). */
    public long toMillis() {
        return last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
