-- A route with health settings of its own has its own circuit of each target: each circuit is a row of its own, keyed
-- by the route's name ('' for the instance-wide circuit of a target). SQLite cannot change a primary key in place, so
-- the table is rebuilt; the rows kept are taken as instance-wide ones (the next publish corrects any that was not).
CREATE TABLE upstream_health_by_route (
    provider_id       INTEGER NOT NULL,
    model_name        TEXT    NOT NULL,
    route             TEXT    NOT NULL DEFAULT '',
    state             TEXT    NOT NULL CHECK (state IN ('closed', 'open', 'half_open', 'misconfigured')),
    report            TEXT    NOT NULL DEFAULT '{}',
    updated_at_millis INTEGER NOT NULL,
    PRIMARY KEY (provider_id, model_name, route)
);
INSERT INTO upstream_health_by_route (provider_id, model_name, route, state, report, updated_at_millis)
    SELECT provider_id, model_name, '', state, report, updated_at_millis FROM upstream_health;
DROP TABLE upstream_health;
ALTER TABLE upstream_health_by_route RENAME TO upstream_health;
