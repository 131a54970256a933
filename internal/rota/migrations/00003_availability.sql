-- +goose Up
-- An employee's usual weekly availability and one-off unavailable dates,
-- set from their phone.
CREATE TABLE availability (
    employee_id TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    weekly      TEXT NOT NULL DEFAULT '[]',
    unavailable TEXT NOT NULL DEFAULT '[]',
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE availability;
