-- +goose Up
-- A weekly pattern (weekdays, every N weeks, valid from/to) or a one-off job.
-- Times are site-local clock times ("06:00"): a visit stays at 06:00 across
-- the clock change; the instants are worked out per date.
CREATE TABLE visit_schedules (
    id                 TEXT PRIMARY KEY,
    contract_id        TEXT NOT NULL REFERENCES contracts (id),
    site_id            TEXT NOT NULL REFERENCES sites (id),
    kind               TEXT NOT NULL CHECK (kind IN ('weekly', 'one_off')),
    weekdays           INTEGER NOT NULL DEFAULT 0,  -- bit n set = time.Weekday(n)
    every_n_weeks      INTEGER NOT NULL DEFAULT 1 CHECK (every_n_weeks BETWEEN 1 AND 52),
    start_time         TEXT NOT NULL,
    end_time           TEXT NOT NULL,
    crew_size          INTEGER NOT NULL CHECK (crew_size BETWEEN 1 AND 50),
    valid_from         DATE NOT NULL,
    valid_to           DATE,
    skip_bank_holidays BOOLEAN NOT NULL DEFAULT FALSE,
    description        TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX visit_schedules_contract_idx ON visit_schedules (contract_id);

CREATE TABLE visits (
    id                  TEXT PRIMARY KEY,
    contract_id         TEXT NOT NULL REFERENCES contracts (id),
    schedule_id         TEXT NOT NULL REFERENCES visit_schedules (id),
    site_id             TEXT NOT NULL REFERENCES sites (id),
    visit_date          DATE NOT NULL,
    starts_at           TIMESTAMPTZ NOT NULL,
    ends_at             TIMESTAMPTZ NOT NULL,
    crew_size           INTEGER NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('scheduled', 'completed', 'cancelled', 'missed', 'withdrawn')),
    actual_start        TIMESTAMPTZ,
    actual_end          TIMESTAMPTZ,
    crew                TEXT NOT NULL DEFAULT '',      -- employee IDs, comma-separated
    cancellation_charge BIGINT NOT NULL DEFAULT 0 CHECK (cancellation_charge >= 0),
    status_note         TEXT NOT NULL DEFAULT '',
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
-- One live visit per schedule and date: generation is idempotent. A visit
-- withdrawn because its schedule changed frees the slot for its replacement.
CREATE UNIQUE INDEX visits_schedule_date_key ON visits (schedule_id, visit_date) WHERE status <> 'withdrawn';
CREATE INDEX visits_contract_date_idx ON visits (contract_id, visit_date);
CREATE INDEX visits_date_idx ON visits (visit_date);

-- +goose Down
DROP TABLE visits;
DROP TABLE visit_schedules;
