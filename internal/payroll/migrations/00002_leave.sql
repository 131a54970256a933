-- +goose Up
-- Leave requests from the phone: dates, a type and, for holiday, the hours
-- asked for. Never a reason or a condition (DESIGN.md rule 1).
CREATE TABLE leave_requests (
    id             TEXT PRIMARY KEY,
    employee_id    TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('holiday', 'sick', 'unpaid', 'authorised')),
    start_date     DATE NOT NULL,
    end_date       DATE NOT NULL,
    part           TEXT NOT NULL DEFAULT '' CHECK (part IN ('', 'half_start', 'half_end', 'half_both', 'hours')),
    day_minutes    INTEGER NOT NULL DEFAULT 0 CHECK (day_minutes >= 0),  -- a full day of holiday
    minutes        INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0),      -- holiday asked for, in all
    weekdays_only  BOOLEAN NOT NULL DEFAULT FALSE,                       -- Saturdays and Sundays count no hours
    status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined', 'cancelled')),
    message        TEXT NOT NULL DEFAULT '',                             -- the supervisor's optional words on a decline
    decided_by     TEXT NOT NULL DEFAULT '',
    decided_at     TIMESTAMPTZ,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX leave_requests_employee_idx ON leave_requests (employee_id, start_date);
CREATE INDEX leave_requests_status_idx ON leave_requests (status, start_date);

-- The absences an approved request recorded (removed again if the
-- employee cancels before the leave starts).
ALTER TABLE absences ADD COLUMN leave_request_id TEXT NOT NULL DEFAULT '';

-- One row: which absence types employees may ask for (holiday and
-- sickness always), and the month the leave year starts on the 1st of.
CREATE TABLE leave_settings (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    enabled_types     TEXT NOT NULL,
    year_start_month  INTEGER NOT NULL CHECK (year_start_month BETWEEN 1 AND 12),
    updated_by        TEXT NOT NULL DEFAULT '',
    updated_at        TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE leave_settings;
ALTER TABLE absences DROP COLUMN leave_request_id;
DROP TABLE leave_requests;
