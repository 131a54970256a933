-- +goose Up
-- Each employee's secret calendar feed. Only a SHA-256 of the secret is
-- kept; regenerating replaces it, so the old URL stops working.
CREATE TABLE calendar_feeds (
    employee_id TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    secret_hash TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX calendar_feeds_secret_key ON calendar_feeds (secret_hash);

-- +goose Down
DROP TABLE calendar_feeds;
