-- Video generation tasks: the id a client sees, and where its upstream task lives. Only the key that created a task
-- may read it. No foreign key to provider: a task outlives its provider, so a poll can say the provider is gone.
CREATE TABLE video_task (
    id                TEXT    PRIMARY KEY,
    upstream_id       TEXT    NOT NULL,
    provider_id       INTEGER NOT NULL,
    api_key           TEXT    NOT NULL,
    model             TEXT    NOT NULL,
    created_at_millis INTEGER NOT NULL
);
