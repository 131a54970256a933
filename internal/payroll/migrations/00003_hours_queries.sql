-- +goose Up
-- An employee's query about one of their shifts on My hours ("my clock-out
-- is missing"). The supervisors are told through the inbox; the employee
-- sees it waiting until a supervisor marks it answered. One open query per
-- shift and employee.
CREATE TABLE hours_queries (
    id           TEXT PRIMARY KEY,
    employee_id  TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    shift_id     TEXT NOT NULL,
    work_date    DATE NOT NULL,
    site_name    TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL CHECK (reason IN ('times_wrong', 'missing', 'break_wrong', 'paid_wrong', 'other')),
    note         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('open', 'answered')),
    answered_by  TEXT NOT NULL DEFAULT '',
    answered_at  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX hours_queries_open_key ON hours_queries (employee_id, shift_id) WHERE status = 'open';
CREATE INDEX hours_queries_employee_date_idx ON hours_queries (employee_id, work_date);

-- +goose Down
DROP TABLE hours_queries;
