-- +goose Up
-- Web Push (issue 17). A phone's subscription: the push service's endpoint
-- and the keys the payload is encrypted to (RFC 8291). Removed when the
-- push service answers 404 or 410, or the person turns push off.
CREATE TABLE push_subscriptions (
    id           TEXT PRIMARY KEY,
    person_id    TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    endpoint     TEXT NOT NULL,
    p256dh       TEXT NOT NULL,
    auth         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_push_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX push_subscriptions_endpoint_idx ON push_subscriptions (endpoint);
CREATE INDEX push_subscriptions_person_idx ON push_subscriptions (person_id);

-- What a person wants pushed, and when not. No row means the defaults:
-- every kind on, no quiet hours, the evening-before reminder on.
-- quiet_start/quiet_end are minutes after midnight, London time; quiet
-- hours may run over midnight (22:00 to 07:00).
CREATE TABLE notification_preferences (
    person_id       TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    push_swaps      BOOLEAN NOT NULL DEFAULT TRUE,
    push_shifts     BOOLEAN NOT NULL DEFAULT TRUE,
    push_leave      BOOLEAN NOT NULL DEFAULT TRUE,
    shift_reminders BOOLEAN NOT NULL DEFAULT TRUE,
    quiet_start     INTEGER,
    quiet_end       INTEGER,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- One push of one inbox notification to one person, written in the
-- transaction that writes the notification, with its job. The inbox row is
-- the record; the payload is read from it when the push is sent.
CREATE TABLE pushes (
    id              TEXT PRIMARY KEY,
    person_id       TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    notification_id TEXT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,                  -- swaps, shifts, leave, reminders
    status          TEXT NOT NULL DEFAULT 'queued', -- queued, held (quiet hours), sent, skipped
    hold_until      TIMESTAMPTZ,
    releases        INTEGER NOT NULL DEFAULT 0,     -- times it came out of quiet hours
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX pushes_held_idx ON pushes (hold_until) WHERE status = 'held';
CREATE INDEX pushes_notification_idx ON pushes (notification_id);

-- Which subscriptions a push reached, so a retry after a partial failure
-- does not buzz the same phone twice.
CREATE TABLE push_deliveries (
    push_id         TEXT NOT NULL REFERENCES pushes (id) ON DELETE CASCADE,
    subscription_id TEXT NOT NULL,
    delivered_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (push_id, subscription_id)
);

-- +goose Down
DROP TABLE push_deliveries;
DROP TABLE pushes;
DROP TABLE notification_preferences;
DROP TABLE push_subscriptions;
