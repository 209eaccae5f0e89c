-- Whether an openai provider's server speaks OpenAI's Responses API itself (native) or is served through the
-- translation to chat completions (translate); auto means native for https://api.openai.com only.
ALTER TABLE provider ADD COLUMN responses TEXT NOT NULL DEFAULT 'auto' CHECK (responses IN ('auto', 'native', 'translate'));

-- Responses kept for GET /v1/responses/{id} and previous_response_id, filed under their owner (never a key).
-- input_items: the items this request added (JSON array); body: the response object as answered (JSON).
CREATE TABLE stored_response (
    id                   TEXT    PRIMARY KEY,
    owner                TEXT    NOT NULL,
    previous_response_id TEXT,
    input_items          TEXT    NOT NULL,
    body                 TEXT    NOT NULL,
    created_at_millis    INTEGER NOT NULL
);
CREATE INDEX stored_response_owner ON stored_response (owner, created_at_millis);
