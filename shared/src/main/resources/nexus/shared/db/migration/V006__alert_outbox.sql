-- The outbox of alert webhooks: one row per event, written before it is sent, so a delivery survives a restart.
-- The body is fixed when the row is written and the webhook id never changes, so every retry sends the same message.
-- The webhook URL and secret are not copied here: each attempt reads them from the key.
CREATE TABLE alert_delivery (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id             TEXT    NOT NULL UNIQUE,
    key_id                 INTEGER NOT NULL REFERENCES api_key (id),
    event                  TEXT    NOT NULL CHECK (event IN ('spend_cap_threshold', 'balance_low')),
    threshold_percent      INTEGER NOT NULL,
    month                  TEXT    NOT NULL,
    topup_id               INTEGER NOT NULL DEFAULT 0,
    body                   TEXT    NOT NULL,
    status                 TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts               INTEGER NOT NULL DEFAULT 0,
    last_status_code       INTEGER,
    last_error             TEXT,
    created_at_millis      INTEGER NOT NULL,
    next_attempt_at_millis INTEGER,
    delivered_at_millis    INTEGER
);
-- One event per threshold per month for the cap, one per top-up for the balance: across restarts and racing charges.
CREATE UNIQUE INDEX alert_delivery_cap_once ON alert_delivery (key_id, threshold_percent, month)
    WHERE event = 'spend_cap_threshold';
CREATE UNIQUE INDEX alert_delivery_balance_once ON alert_delivery (key_id, topup_id)
    WHERE event = 'balance_low';
CREATE INDEX alert_delivery_due ON alert_delivery (status, next_attempt_at_millis);
CREATE INDEX alert_delivery_key ON alert_delivery (key_id, id);
