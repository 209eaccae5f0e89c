-- What a model does; each proxy endpoint serves only models of its type.
ALTER TABLE provider_model ADD COLUMN type TEXT NOT NULL DEFAULT 'chat'
    CHECK (type IN ('chat', 'embedding', 'rerank', 'image', 'video'));

-- An outbound HTTP or SOCKS5 proxy the provider is reached through; empty for a direct connection.
ALTER TABLE provider ADD COLUMN http_proxy TEXT NOT NULL DEFAULT '';

-- Prompt tokens served from the upstream's cache, tokens written to it, and images generated.
ALTER TABLE usage ADD COLUMN cache_read_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage ADD COLUMN cache_creation_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage ADD COLUMN images INTEGER NOT NULL DEFAULT 0;
