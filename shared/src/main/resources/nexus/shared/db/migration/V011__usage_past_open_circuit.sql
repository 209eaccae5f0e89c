-- 1 when the attempt's target was tried although its circuit breaker was open, because every target's was (so a total
-- outage recovers without an operator); the row says why a target known to be failing was called.
ALTER TABLE usage ADD COLUMN past_open_circuit INTEGER NOT NULL DEFAULT 0;
