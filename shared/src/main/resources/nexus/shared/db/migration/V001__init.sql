-- Providers: one upstream endpoint each, opened to clients by a personalized key.
CREATE TABLE provider (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT    NOT NULL,
    kind              TEXT    NOT NULL DEFAULT 'openai',
    server_url        TEXT    NOT NULL DEFAULT '',
    server_key        TEXT    NOT NULL DEFAULT '',
    personalized_key  TEXT    NOT NULL,
    description       TEXT    NOT NULL DEFAULT '',
    enabled           INTEGER NOT NULL DEFAULT 1,
    created_at_millis INTEGER NOT NULL
);
CREATE INDEX provider_personalized_key ON provider (personalized_key);

-- Models a provider serves; the name is what clients send and what the upstream receives.
CREATE TABLE provider_model (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    provider_id       INTEGER NOT NULL REFERENCES provider (id) ON DELETE CASCADE,
    model_name        TEXT    NOT NULL,
    description       TEXT    NOT NULL DEFAULT '',
    enabled           INTEGER NOT NULL DEFAULT 1,
    created_at_millis INTEGER NOT NULL,
    UNIQUE (provider_id, model_name)
);

-- One row per request that reached an upstream (or the mock). No foreign key: usage outlives its provider.
CREATE TABLE usage (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id        TEXT    NOT NULL,
    api_key           TEXT    NOT NULL,
    provider_id       INTEGER NOT NULL,
    provider_name     TEXT    NOT NULL,
    model             TEXT    NOT NULL,
    conversation_id   TEXT    NOT NULL,
    endpoint          TEXT    NOT NULL,
    stream            INTEGER NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    total_tokens      INTEGER NOT NULL,
    usage_source      TEXT    NOT NULL CHECK (usage_source IN ('reported', 'estimated', 'missing')),
    status            INTEGER NOT NULL,
    truncated         INTEGER NOT NULL DEFAULT 0,
    error_code        TEXT,
    latency_millis    INTEGER NOT NULL,
    first_token_millis INTEGER,
    created_at_millis INTEGER NOT NULL
);
CREATE INDEX usage_conversation ON usage (conversation_id);
CREATE INDEX usage_created ON usage (created_at_millis);

-- Bumped by every change to routing configuration, so the proxy reloads only when it must.
CREATE TABLE config_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO config_version (id, version) VALUES (1, 0);

CREATE TRIGGER provider_inserted AFTER INSERT ON provider
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER provider_updated AFTER UPDATE ON provider
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER provider_deleted AFTER DELETE ON provider
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER provider_model_inserted AFTER INSERT ON provider_model
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER provider_model_updated AFTER UPDATE ON provider_model
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER provider_model_deleted AFTER DELETE ON provider_model
BEGIN UPDATE config_version SET version = version + 1 WHERE id = 1; END;
