-- +goose Up
-- Support workers and the employees they support. A support worker sees
-- only the people on their caseload.
CREATE TABLE wellbeing_caseloads (
    support_worker_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    employee_id       TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (support_worker_id, employee_id)
);
CREATE INDEX wellbeing_caseloads_employee_idx ON wellbeing_caseloads (employee_id);

-- The current wellness plan of an employee. content and summary are
-- AES-256-GCM ciphertexts ("gw1.<key id>.<data>"); nothing else here is
-- written by a person.
CREATE TABLE wellbeing_plans (
    employee_id   TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    content       TEXT NOT NULL,
    summary       TEXT NOT NULL,
    share_summary BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by    TEXT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- Every saved version of every plan, kept as saved.
CREATE TABLE wellbeing_plan_versions (
    id            TEXT PRIMARY KEY,
    employee_id   TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    content       TEXT NOT NULL,
    summary       TEXT NOT NULL,
    share_summary BOOLEAN NOT NULL,
    saved_by      TEXT NOT NULL,
    saved_by_name TEXT NOT NULL,
    saved_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX wellbeing_plan_versions_key ON wellbeing_plan_versions (employee_id, version);

-- In-work support notes. Never updated: a correction is a new note that
-- names the one it corrects. body is a ciphertext.
CREATE TABLE wellbeing_notes (
    id          TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    author_id   TEXT NOT NULL,
    author_name TEXT NOT NULL,
    note_date   DATE NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('check_in', 'job_coach_session', 'call', 'meeting_with_supervisor')),
    body        TEXT NOT NULL,
    corrects_id TEXT REFERENCES wellbeing_notes (id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX wellbeing_notes_employee_idx ON wellbeing_notes (employee_id, note_date);

-- Who read or wrote what, when. Holds no content.
CREATE TABLE wellbeing_access_log (
    id          TEXT PRIMARY KEY,
    employee_id TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('read', 'write')),
    what        TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX wellbeing_access_log_employee_idx ON wellbeing_access_log (employee_id, at);

-- Temporary flex periods: limits between two dates that the rota applies.
-- No reason is stored; early_warning_action_id points into the plan.
CREATE TABLE wellbeing_flex_periods (
    id                      TEXT PRIMARY KEY,
    employee_id             TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind                    TEXT NOT NULL CHECK (kind IN ('no_shifts', 'weekly_cap', 'later_start')),
    from_date               DATE NOT NULL,
    to_date                 DATE NOT NULL,
    max_weekly_minutes      INTEGER NOT NULL DEFAULT 0,
    earliest_start_minutes  INTEGER NOT NULL DEFAULT 0,
    early_warning_action_id TEXT NOT NULL DEFAULT '',
    released_shifts         INTEGER NOT NULL DEFAULT 0,
    rota_notified           BOOLEAN NOT NULL DEFAULT FALSE,
    created_by              TEXT NOT NULL,
    created_at              TIMESTAMPTZ NOT NULL,
    ended_at                TIMESTAMPTZ,
    CHECK (from_date <= to_date)
);
CREATE INDEX wellbeing_flex_periods_employee_idx ON wellbeing_flex_periods (employee_id, from_date);

-- +goose Down
DROP TABLE wellbeing_flex_periods;
DROP TABLE wellbeing_access_log;
DROP TABLE wellbeing_notes;
DROP TABLE wellbeing_plan_versions;
DROP TABLE wellbeing_plans;
DROP TABLE wellbeing_caseloads;
