-- +goose Up
-- Every email an invoice's client was sent (on issue, each overdue
-- reminder): one row per invoice and kind of send, so a retried job can
-- never send the same one twice. The email itself is in notify's emails.
CREATE TABLE invoice_sends (
    id         TEXT PRIMARY KEY,
    invoice_id TEXT NOT NULL REFERENCES invoices (id),
    what       TEXT NOT NULL, -- issued, overdue-7, overdue-30, ...
    to_address TEXT NOT NULL,
    email_id   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX invoice_sends_once ON invoice_sends (invoice_id, what);

-- +goose Down
DROP TABLE invoice_sends;
