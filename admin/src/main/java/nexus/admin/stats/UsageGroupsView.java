package nexus.admin.stats;

import java.util.List;

import nexus.shared.usage.TotalsLine;

/**
 * The body of {@code GET /stats/usage}: the window ({@code days}, its first and last UTC day), the grouping, the
 * currency, the totals and one line per group. Immutable.
 */
public record UsageGroupsView(int days, String groupBy, String from, String to, String currency, TotalsLine totals,
                              List<?> groups) {}
