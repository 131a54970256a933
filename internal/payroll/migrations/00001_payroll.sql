-- +goose Up
-- Hourly pay rates with the date each takes effect. The rate on a date is
-- the row with the latest effective_from on or before it.
CREATE TABLE pay_rates (
    id             TEXT PRIMARY KEY,
    employee_id    TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    effective_from DATE NOT NULL,
    hourly_pence   BIGINT NOT NULL CHECK (hourly_pence > 0),
    apprentice     BOOLEAN NOT NULL DEFAULT FALSE,
    set_by         TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX pay_rates_employee_from_key ON pay_rates (employee_id, effective_from);

-- Absences: dates and a type, never a reason or a condition.
CREATE TABLE absences (
    id            TEXT PRIMARY KEY,
    employee_id   TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('holiday', 'sick', 'unpaid', 'authorised')),
    start_date    DATE NOT NULL,
    end_date      DATE NOT NULL,
    paid_minutes  INTEGER NOT NULL DEFAULT 0 CHECK (paid_minutes >= 0), -- holiday hours per day
    recorded_by   TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX absences_employee_idx ON absences (employee_id, start_date);

-- Permitted work: an employee's benefit and its weekly limits, agreed with
-- finance. 0 means "no limit" for that measure.
CREATE TABLE permitted_work (
    employee_id         TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    benefit             TEXT NOT NULL,
    max_weekly_minutes  INTEGER NOT NULL DEFAULT 0 CHECK (max_weekly_minutes >= 0),
    max_weekly_earnings BIGINT NOT NULL DEFAULT 0 CHECK (max_weekly_earnings >= 0),
    start_date          DATE NOT NULL,
    end_date            DATE,
    set_by              TEXT NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);

-- Attendance: one row per shift worked (or missed). The shift's times are
-- copied from the rota when the row is made, so a timesheet never changes
-- because the rota is edited later.
CREATE TABLE attendance (
    id               TEXT PRIMARY KEY,
    shift_id         TEXT NOT NULL,
    employee_id      TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    site_id          TEXT NOT NULL DEFAULT '',
    site_name        TEXT NOT NULL DEFAULT '',
    scheduled_start  TIMESTAMPTZ NOT NULL,
    scheduled_end    TIMESTAMPTZ NOT NULL,
    break_minutes    INTEGER NOT NULL DEFAULT -1, -- -1: the policy decides
    clock_in         TIMESTAMPTZ,
    clock_out        TIMESTAMPTZ,
    status           TEXT NOT NULL CHECK (status IN ('clocked_in', 'worked', 'no_show')),
    source           TEXT NOT NULL CHECK (source IN ('phone', 'supervisor')),
    corrected        BOOLEAN NOT NULL DEFAULT FALSE,
    work_date        DATE NOT NULL,  -- local date the shift starts on
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX attendance_shift_key ON attendance (shift_id);
CREATE INDEX attendance_employee_date_idx ON attendance (employee_id, work_date);
CREATE INDEX attendance_date_idx ON attendance (work_date);

-- Every supervisor change to attendance, with its reason.
CREATE TABLE attendance_corrections (
    id             TEXT PRIMARY KEY,
    attendance_id  TEXT NOT NULL REFERENCES attendance (id) ON DELETE CASCADE,
    employee_id    TEXT NOT NULL,
    work_date      DATE NOT NULL,
    old_status     TEXT NOT NULL,
    new_status     TEXT NOT NULL,
    old_clock_in   TIMESTAMPTZ,
    old_clock_out  TIMESTAMPTZ,
    new_clock_in   TIMESTAMPTZ,
    new_clock_out  TIMESTAMPTZ,
    old_break      INTEGER NOT NULL,
    new_break      INTEGER NOT NULL,
    reason         TEXT NOT NULL,
    after_approval BOOLEAN NOT NULL DEFAULT FALSE,
    delta_minutes  INTEGER NOT NULL DEFAULT 0,
    corrected_by   TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX attendance_corrections_emp_idx ON attendance_corrections (employee_id, work_date);

-- A timesheet is one employee's pay period. Its lines are worked out from
-- attendance and absences; the row holds approval and the approved totals.
CREATE TABLE timesheets (
    id               TEXT PRIMARY KEY,
    employee_id      TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    period           TEXT NOT NULL,
    start_date       DATE NOT NULL,
    end_date         DATE NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open', 'approved')),
    approved_by      TEXT NOT NULL DEFAULT '',
    approved_by_name TEXT NOT NULL DEFAULT '',
    approved_at      TIMESTAMPTZ,
    approved_minutes INTEGER NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX timesheets_employee_period_key ON timesheets (employee_id, period);
CREATE INDEX timesheets_period_idx ON timesheets (period);

-- Closed pay periods are frozen: nothing that changes their pay is accepted.
CREATE TABLE pay_periods (
    period     TEXT PRIMARY KEY,
    start_date DATE NOT NULL,
    end_date   DATE NOT NULL,
    closed_by  TEXT NOT NULL,
    closed_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE pay_periods;
DROP TABLE timesheets;
DROP TABLE attendance_corrections;
DROP TABLE attendance;
DROP TABLE permitted_work;
DROP TABLE absences;
DROP TABLE pay_rates;
