-- +goose Up
-- A swap: an employee offers their shift to a named colleague, offers to
-- trade it for one of the colleague's, or releases it to the open pool.
CREATE TABLE swaps (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('offer', 'trade', 'release')),
    status           TEXT NOT NULL CHECK (status IN ('pending', 'awaiting_approval', 'completed', 'declined', 'cancelled', 'rejected', 'expired')),
    shift_id         TEXT NOT NULL REFERENCES shifts (id),
    from_employee_id TEXT NOT NULL REFERENCES people (id),
    to_employee_id   TEXT REFERENCES people (id),
    trade_shift_id   TEXT REFERENCES shifts (id),
    violations       TEXT NOT NULL DEFAULT '[]',
    expires_at       TIMESTAMPTZ NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
-- One live request per shift.
CREATE UNIQUE INDEX swaps_live_shift_key ON swaps (shift_id) WHERE status IN ('pending', 'awaiting_approval');
CREATE INDEX swaps_status_idx ON swaps (status, expires_at);
CREATE INDEX swaps_from_idx ON swaps (from_employee_id);
CREATE INDEX swaps_to_idx ON swaps (to_employee_id);

-- Who asked, accepted, approved: the full history.
CREATE TABLE swap_events (
    id       TEXT PRIMARY KEY,
    swap_id  TEXT NOT NULL REFERENCES swaps (id) ON DELETE CASCADE,
    at       TIMESTAMPTZ NOT NULL,
    actor_id TEXT NOT NULL,
    action   TEXT NOT NULL,
    note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX swap_events_swap_idx ON swap_events (swap_id, at);

-- Per-site rota policy: may a swap with no violations complete at once?
CREATE TABLE site_policies (
    site_id            TEXT PRIMARY KEY,
    auto_approve_swaps BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at         TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE site_policies;
DROP TABLE swap_events;
DROP TABLE swaps;
