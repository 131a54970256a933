-- +goose Up
-- An employee's agreed adjustments as structured rules (JSON), with the
-- period they apply and when they are next reviewed. No reasons are kept
-- here: supervisors see the rule, not why.
CREATE TABLE adjustments (
    employee_id    TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    rules          TEXT NOT NULL,
    effective_from DATE,
    effective_to   DATE,
    review_date    DATE,
    version        INTEGER NOT NULL DEFAULT 1,
    updated_by     TEXT NOT NULL DEFAULT '',
    updated_at     TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE adjustments;
