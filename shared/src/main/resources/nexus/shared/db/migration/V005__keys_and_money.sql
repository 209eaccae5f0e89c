-- Client keys issued by the admin API. Only the key's SHA-256 and a display prefix are stored, never the key.
-- A revoked key keeps its row, so its usage, ledger and conversations still name it.
CREATE TABLE api_key (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    name                    TEXT    NOT NULL,
    key_hash                TEXT    NOT NULL UNIQUE,
    key_prefix              TEXT    NOT NULL,
    enabled                 INTEGER NOT NULL DEFAULT 1,
    models                  TEXT    NOT NULL DEFAULT '',
    rpm                     INTEGER,
    tpm                     INTEGER,
    expires_at_millis       INTEGER,
    metered                 INTEGER NOT NULL DEFAULT 0,
    monthly_spend_cap_nanos INTEGER,
    alert_webhook_url       TEXT    NOT NULL DEFAULT '',
    alert_webhook_secret    TEXT    NOT NULL DEFAULT '',
    revoked_at_millis       INTEGER,
    created_at_millis       INTEGER NOT NULL,
    updated_at_millis       INTEGER NOT NULL
);

-- Top-ups of a key's prepaid balance; the idempotency key makes a retried top-up add nothing.
CREATE TABLE topup (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    key_id            INTEGER NOT NULL REFERENCES api_key (id),
    idempotency_key   TEXT    NOT NULL,
    amount_nanos      INTEGER NOT NULL CHECK (amount_nanos > 0),
    note              TEXT    NOT NULL DEFAULT '',
    created_at_millis INTEGER NOT NULL,
    UNIQUE (key_id, idempotency_key)
);

-- Every change of a metered key's balance, append-only: the balance is the sum of a key's entries. Amounts are in
-- nano-units of the instance's currency (10^-9), positive when they add to the balance.
CREATE TABLE ledger_entry (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    key_id            INTEGER NOT NULL REFERENCES api_key (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('topup', 'cost', 'correction')),
    amount_nanos      INTEGER NOT NULL,
    request_id        TEXT,
    topup_id          INTEGER REFERENCES topup (id),
    note              TEXT    NOT NULL DEFAULT '',
    created_at_millis INTEGER NOT NULL
);
CREATE INDEX ledger_entry_key ON ledger_entry (key_id, id);
CREATE UNIQUE INDEX ledger_entry_request ON ledger_entry (request_id);
CREATE TRIGGER ledger_entry_not_updated BEFORE UPDATE ON ledger_entry
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_entry_not_deleted BEFORE DELETE ON ledger_entry
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;

-- Prices as decimal text (exact), per million tokens unless named otherwise; null = not priced.
ALTER TABLE provider_model ADD COLUMN input_price TEXT;
ALTER TABLE provider_model ADD COLUMN output_price TEXT;
ALTER TABLE provider_model ADD COLUMN cached_input_price TEXT;
ALTER TABLE provider_model ADD COLUMN cache_write_price TEXT;
ALTER TABLE provider_model ADD COLUMN image_price TEXT;
ALTER TABLE provider_model ADD COLUMN video_price_per_second TEXT;
ALTER TABLE provider_model ADD COLUMN request_price TEXT;
ALTER TABLE provider_model ADD COLUMN max_output_tokens INTEGER NOT NULL DEFAULT 4096;

-- The issued key a request was made with (null for a personalized key), and what it cost in nano-units.
ALTER TABLE usage ADD COLUMN key_id INTEGER;
ALTER TABLE usage ADD COLUMN cost_nanos INTEGER NOT NULL DEFAULT 0;
CREATE INDEX usage_key_created ON usage (key_id, created_at_millis);

-- The proxy reloads keys and balances when the admin changes them; its own cost entries change nothing to reload.
CREATE TRIGGER api_key_inserted AFTER INSERT ON api_key
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER api_key_updated AFTER UPDATE ON api_key
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER ledger_entry_inserted AFTER INSERT ON ledger_entry WHEN NEW.kind <> 'cost'
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
