-- Whether a usage row's cost was taken from its key's prepaid balance. The ledger has one cost entry per key for each
-- batch of rows the proxy writes (named after the batch's first row of that key), not one per row.
ALTER TABLE usage ADD COLUMN billed INTEGER NOT NULL DEFAULT 0;
UPDATE usage SET billed = 1 WHERE request_id IN (SELECT request_id FROM ledger_entry WHERE kind = 'cost');
