-- +goose Up
-- Plans: proposals from the rota planner. A plan changes nothing until it
-- is applied; it expires a day after it was made. body is the proposal as
-- JSON (assignments with the shift versions they were planned against,
-- open shifts with their reasons, the objective, hours per person).
CREATE TABLE rota_plans (
    id          TEXT PRIMARY KEY,
    mode        TEXT NOT NULL CHECK (mode IN ('fill', 'replan', 'cover')),
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    applied_at  TIMESTAMPTZ,
    applied_by  TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    result      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rota_plans_expires_idx ON rota_plans (expires_at);

-- Hours an employee would like a week (zero-hours staff): the planner gives
-- hours in proportion to it. Set by the employee.
CREATE TABLE rota_wanted_hours (
    employee_id    TEXT PRIMARY KEY REFERENCES people (id),
    minutes        INTEGER NOT NULL CHECK (minutes >= 0 AND minutes <= 6720),
    updated_at     TIMESTAMPTZ NOT NULL
);

-- The organisation's weights for the planner's soft terms (one row, id 1;
-- no row: the defaults in docs/rota.md).
CREATE TABLE rota_plan_weights (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    weights     TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE rota_plan_weights;
DROP TABLE rota_wanted_hours;
DROP TABLE rota_plans;
