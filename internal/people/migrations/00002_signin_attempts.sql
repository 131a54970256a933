-- +goose Up
-- Sign-in limits, shared by every server process. One row per account
-- (kind 'account', the lower-cased email, known or not) and per client
-- address (kind 'ip'). Each is a token bucket kept as the instant it is
-- full again (GCRA's "theoretical arrival time"), in Unix milliseconds so
-- both databases do the arithmetic the same way: a bucket of burst B
-- refilling one token every T has a token left when full_at <= now + (B-1)*T,
-- and taking one moves full_at to max(full_at, now) + T. A row whose full_at
-- has passed is the same as no row, so PurgeSignInAttempts deletes it.
CREATE TABLE signin_attempts (
    kind    TEXT NOT NULL CHECK (kind IN ('account', 'ip')),
    subject TEXT NOT NULL,
    full_at BIGINT NOT NULL,
    PRIMARY KEY (kind, subject)
);
CREATE INDEX signin_attempts_full_at_idx ON signin_attempts (full_at);

-- +goose Down
DROP TABLE signin_attempts;
