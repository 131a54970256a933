-- +goose Up
-- In-app notifications: a person's inbox.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT NOT NULL DEFAULT '',
    read_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX notifications_person_idx ON notifications (person_id, created_at);
CREATE INDEX notifications_unread_idx ON notifications (person_id) WHERE read_at IS NULL;

-- +goose Down
DROP TABLE notifications;
