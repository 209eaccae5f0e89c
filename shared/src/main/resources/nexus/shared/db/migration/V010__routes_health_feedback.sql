-- Routes: names clients send as a model, answered by one of several targets (provider + model) by a strategy, with
-- the retry and health policy of the route; null policy columns take the instance-wide defaults.
CREATE TABLE route (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    name                    TEXT    NOT NULL UNIQUE,
    type                    TEXT    NOT NULL DEFAULT 'chat',
    strategy                TEXT    NOT NULL DEFAULT 'priority'
                            CHECK (strategy IN ('priority', 'weighted', 'least_latency', 'cost', 'bandit')),
    description             TEXT    NOT NULL DEFAULT '',
    enabled                 INTEGER NOT NULL DEFAULT 1,
    max_attempts            INTEGER,
    deadline_ms             INTEGER,
    first_token_timeout_ms  INTEGER,
    health_failures         INTEGER,
    health_window_ms        INTEGER,
    health_cooldown_ms      INTEGER,
    created_at_millis       INTEGER NOT NULL,
    updated_at_millis       INTEGER NOT NULL
);

-- A route's targets in the order it tries them. No foreign key to the provider: a target whose provider or model was
-- deleted later is skipped, not silently removed.
CREATE TABLE route_target (
    route_id    INTEGER NOT NULL REFERENCES route (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    provider_id INTEGER NOT NULL,
    model_name  TEXT    NOT NULL,
    weight      INTEGER NOT NULL DEFAULT 1 CHECK (weight >= 0),
    PRIMARY KEY (route_id, position)
);

CREATE TRIGGER route_inserted AFTER INSERT ON route
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER route_updated AFTER UPDATE ON route
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER route_deleted AFTER DELETE ON route
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER route_target_inserted AFTER INSERT ON route_target
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER route_target_deleted AFTER DELETE ON route_target
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;

-- Where a provider serves from ('' serves both), and which of them a key's requests may go to.
ALTER TABLE provider ADD COLUMN region TEXT NOT NULL DEFAULT '' CHECK (region IN ('', 'cn', 'overseas'));
ALTER TABLE api_key ADD COLUMN region_policy TEXT NOT NULL DEFAULT 'any'
    CHECK (region_policy IN ('any', 'cn-only', 'overseas-only'));

-- Each attempt of a call is a row: which attempt it was (1 for the first) and the route the client named, if any.
ALTER TABLE usage ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
ALTER TABLE usage ADD COLUMN route TEXT;

-- What a key holder thought of one generation (the usage row whose request_id is generation_id); a second rating of
-- the same generation replaces the first. tags: a JSON array of strings.
CREATE TABLE feedback (
    generation_id     TEXT    PRIMARY KEY,
    owner             TEXT    NOT NULL,
    rating            INTEGER NOT NULL CHECK (rating IN (1, -1)),
    comment           TEXT,
    tags              TEXT    NOT NULL DEFAULT '[]',
    route             TEXT,
    provider_id       INTEGER NOT NULL,
    model             TEXT    NOT NULL,
    created_at_millis INTEGER NOT NULL,
    updated_at_millis INTEGER NOT NULL
);
CREATE INDEX feedback_created ON feedback (created_at_millis);

-- The proxy's view of each target's health, published at most once a second for the admin's GET /health/upstreams.
CREATE TABLE upstream_health (
    provider_id       INTEGER NOT NULL,
    model_name        TEXT    NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('closed', 'open', 'half_open', 'misconfigured')),
    report            TEXT    NOT NULL DEFAULT '{}',
    updated_at_millis INTEGER NOT NULL,
    PRIMARY KEY (provider_id, model_name)
);
