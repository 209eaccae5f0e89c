-- Conversations: the history a chat app restores its window from. Owned by the key holder that created them
-- (personal:<sha256> or key:<id>); message_count counts what is there, last_position only grows, so a position is
-- never reused after an item is deleted.
CREATE TABLE conversation (
    id                TEXT    PRIMARY KEY,
    owner             TEXT    NOT NULL,
    title             TEXT,
    metadata          TEXT    NOT NULL DEFAULT '{}',
    message_count     INTEGER NOT NULL DEFAULT 0,
    last_position     INTEGER NOT NULL DEFAULT 0,
    created_at_millis INTEGER NOT NULL,
    updated_at_millis INTEGER NOT NULL
);
CREATE INDEX conversation_owner_updated ON conversation (owner, updated_at_millis, id);
CREATE INDEX conversation_updated ON conversation (updated_at_millis, id);

-- One message of a conversation, in order of position. message is the chat message as JSON (role, content, name,
-- tool_call_id, tool_calls …); model, usage and generation_id say which call it came from, when one did.
CREATE TABLE conversation_message (
    id                TEXT    PRIMARY KEY,
    conversation_id   TEXT    NOT NULL REFERENCES conversation (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    role              TEXT    NOT NULL,
    message           TEXT    NOT NULL,
    metadata          TEXT,
    model             TEXT,
    usage             TEXT,
    generation_id     TEXT,
    request_id        TEXT,
    created_at_millis INTEGER NOT NULL,
    UNIQUE (conversation_id, position)
);
