-- +goose Up
-- Drafts and publishing. A shift is a draft (published_at NULL) until a
-- supervisor publishes its dates: employees see nothing of a draft and are
-- told nothing about it. Shifts that existed before publishing came in
-- count as published.
ALTER TABLE shifts ADD COLUMN published_at TIMESTAMPTZ;
UPDATE shifts SET published_at = created_at;
CREATE INDEX shifts_draft_starts_idx ON shifts (starts_at) WHERE published_at IS NULL;

-- Changes to published shifts: who changed what, when, and why; whether it
-- was inside the organisation's rota notice period.
CREATE TABLE shift_changes (
    id                   TEXT PRIMARY KEY,
    shift_id             TEXT NOT NULL REFERENCES shifts (id) ON DELETE CASCADE,
    at                   TIMESTAMPTZ NOT NULL,
    actor_id             TEXT NOT NULL DEFAULT '',
    kind                 TEXT NOT NULL CHECK (kind IN ('moved', 'cancelled', 'reassigned', 'added', 'unassigned')),
    employee_id          TEXT NOT NULL DEFAULT '', -- who is on it now
    previous_employee_id TEXT NOT NULL DEFAULT '', -- who was on it before
    detail               TEXT NOT NULL DEFAULT '',
    reason               TEXT NOT NULL DEFAULT '',
    inside_notice        BOOLEAN NOT NULL DEFAULT FALSE,
    notice_minutes       INTEGER NOT NULL DEFAULT 0 -- from the change to the shift's start
);
CREATE INDEX shift_changes_shift_idx ON shift_changes (shift_id, at);
CREATE INDEX shift_changes_at_idx ON shift_changes (at);

-- Assigned, published shifts cancelled inside the short-notice window, with
-- the share of the shift's pay the organisation's setting said was due at
-- the time (0 = unpaid). Payroll turns paid ones into a payment line.
CREATE TABLE short_notice_cancellations (
    shift_id       TEXT PRIMARY KEY REFERENCES shifts (id) ON DELETE CASCADE,
    employee_id    TEXT NOT NULL REFERENCES people (id),
    site_id        TEXT NOT NULL,
    starts_at      TIMESTAMPTZ NOT NULL,
    ends_at        TIMESTAMPTZ NOT NULL,
    work_minutes   INTEGER NOT NULL,
    cancelled_at   TIMESTAMPTZ NOT NULL,
    cancelled_by   TEXT NOT NULL DEFAULT '',
    notice_minutes INTEGER NOT NULL,
    pay_share_bp   INTEGER NOT NULL DEFAULT 0 CHECK (pay_share_bp >= 0 AND pay_share_bp <= 10000),
    reason         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX short_notice_cancellations_starts_idx ON short_notice_cancellations (starts_at);

-- +goose Down
DROP TABLE short_notice_cancellations;
DROP TABLE shift_changes;
DROP INDEX shifts_draft_starts_idx;
ALTER TABLE shifts DROP COLUMN published_at;
