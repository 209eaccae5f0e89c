-- One usage row per request id, so a batch of rows written again after a failure adds none twice. Rows already stored
-- more than once (by a writer that retried after its transaction failed) keep their first copy.
DELETE FROM usage WHERE id NOT IN (SELECT MIN(id) FROM usage GROUP BY request_id);
CREATE UNIQUE INDEX usage_request_id ON usage (request_id);
