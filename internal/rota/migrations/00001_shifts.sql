-- +goose Up
-- A shift is one person's place at a site between two instants (stored in
-- UTC; the site's time zone says how to show them). A visit with a crew of
-- three has three shifts, slots 1..3.
CREATE TABLE shifts (
    id            TEXT PRIMARY KEY,
    site_id       TEXT NOT NULL,
    visit_id      TEXT NOT NULL DEFAULT '',
    slot          INTEGER NOT NULL DEFAULT 1,
    starts_at     TIMESTAMPTZ NOT NULL,
    ends_at       TIMESTAMPTZ NOT NULL,
    break_minutes INTEGER NOT NULL DEFAULT 0 CHECK (break_minutes >= 0),
    work_minutes  INTEGER NOT NULL CHECK (work_minutes >= 0), -- real minutes minus the break
    skills        TEXT NOT NULL DEFAULT '',                   -- comma separated
    notes         TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'cancelled')),
    employee_id   TEXT REFERENCES people (id),
    flag          TEXT NOT NULL DEFAULT '',                   -- for a supervisor to look at
    cancel_reason TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (status <> 'assigned' OR employee_id IS NOT NULL),
    CHECK (status <> 'open' OR employee_id IS NULL)
);
CREATE INDEX shifts_starts_idx ON shifts (starts_at);
CREATE INDEX shifts_employee_starts_idx ON shifts (employee_id, starts_at);
CREATE INDEX shifts_site_starts_idx ON shifts (site_id, starts_at);
CREATE UNIQUE INDEX shifts_visit_slot_key ON shifts (visit_id, slot) WHERE visit_id <> '';

-- Who did what to a shift, and why (overrides carry the supervisor's reason).
CREATE TABLE shift_events (
    id          TEXT PRIMARY KEY,
    shift_id    TEXT NOT NULL REFERENCES shifts (id) ON DELETE CASCADE,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    employee_id TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX shift_events_shift_idx ON shift_events (shift_id, at);

-- +goose Down
DROP TABLE shift_events;
DROP TABLE shifts;
