package nexus.admin.stats;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import nexus.shared.usage.DayModelReport;

/** The body of {@code GET /keys/{id}/usage}: the key, the window's length, and its report by day and model. */
public record KeyUsageView(long keyId, String keyName, int days, @JsonUnwrapped DayModelReport report) {}
