-- +goose Up
ALTER TABLE clients ADD COLUMN stripe_customer_id TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN stripe_status TEXT NOT NULL DEFAULT '';  -- Stripe's word: paid, payment_failed, void, uncollectible

-- Every webhook event handled, by Stripe's event ID: a replay is ignored.
CREATE TABLE stripe_events (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    invoice_id  TEXT NOT NULL DEFAULT '',
    received_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE stripe_events;
ALTER TABLE invoices DROP COLUMN stripe_status;
ALTER TABLE clients DROP COLUMN stripe_customer_id;
