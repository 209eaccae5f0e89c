package nexus.admin;

import nexus.shared.db.Database;

/** Writes {@code feedback} rows the way the proxy stores a rating, for tests of the admin's reports. */
final class FeedbackRows {

    private final Database database;

    FeedbackRows(Database database) {
        this.database = database;
    }

    /** A rating given {@code hoursAgo} hours before {@link AdminServer#NOW}; {@code tags} is JSON array text. */
    void rate(String generationId, int rating, String route, long providerId, String model, String tags,
              double hoursAgo) {
        long at = AdminServer.NOW.toEpochMilli() - Math.round(hoursAgo * 3_600_000);
        database.inTransaction(handle -> handle.createUpdate("INSERT INTO feedback (generation_id, owner, rating,"
                        + " comment, tags, route, provider_id, model, created_at_millis, updated_at_millis)"
                        + " VALUES (?, 'key:1', ?, NULL, ?, ?, ?, ?, ?, ?)")
                .bind(0, generationId).bind(1, rating).bind(2, tags).bind(3, route).bind(4, providerId)
                .bind(5, model).bind(6, at).bind(7, at).execute());
    }
}
