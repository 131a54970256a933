-- +goose Up
-- Outgoing email: a row per message, written in the transaction that
-- causes it together with the job that sends it (internal/jobs). The row is
-- the record of what was sent and when; the worker reads it, so a retry
-- sends the same message, and a message already marked sent is never sent
-- again.
CREATE TABLE emails (
    id              TEXT PRIMARY KEY,
    person_id       TEXT REFERENCES people (id) ON DELETE CASCADE, -- address looked up when sending
    to_address      TEXT NOT NULL DEFAULT '',                      -- or a fixed address (a client's billing email)
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    attachment_name TEXT NOT NULL DEFAULT '',
    attachment      BYTEA,
    regarding       TEXT NOT NULL DEFAULT '', -- what it is about, e.g. invoice:<id>
    status          TEXT NOT NULL DEFAULT 'queued', -- queued, sending, sent, skipped
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX emails_regarding_idx ON emails (regarding);
CREATE INDEX emails_person_idx ON emails (person_id);

-- +goose Down
DROP TABLE emails;
