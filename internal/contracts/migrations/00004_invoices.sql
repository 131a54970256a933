-- +goose Up
-- Gap-free numbering: issuing an invoice (or a credit note) increments its
-- sequence row inside the issuing transaction, so a failed issue rolls the
-- number back and two issues queue on the row: no gaps, no duplicates.
CREATE TABLE number_sequences (
    name       TEXT PRIMARY KEY,
    last_value BIGINT NOT NULL
);
INSERT INTO number_sequences (name, last_value) VALUES ('invoice', 0);
INSERT INTO number_sequences (name, last_value) VALUES ('credit_note', 0);

CREATE TABLE invoice_runs (
    id          TEXT PRIMARY KEY,
    period      TEXT NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    contracts   INTEGER NOT NULL DEFAULT 0,
    created     INTEGER NOT NULL DEFAULT 0,
    refreshed   INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    issued      INTEGER NOT NULL DEFAULT 0,  -- left alone: already issued
    removed     INTEGER NOT NULL DEFAULT 0,  -- empty drafts deleted
    nothing_to_bill INTEGER NOT NULL DEFAULT 0 -- contracts with nothing to bill
);
CREATE INDEX invoice_runs_period_idx ON invoice_runs (period, started_at);

CREATE TABLE invoices (
    id                 TEXT PRIMARY KEY,
    contract_id        TEXT NOT NULL REFERENCES contracts (id),
    client_id          TEXT NOT NULL REFERENCES clients (id),
    period             TEXT NOT NULL,                 -- "2026-11"
    state              TEXT NOT NULL CHECK (state IN ('draft', 'issued', 'void')),
    number             TEXT,                          -- INV-000123 once issued
    seq                BIGINT,
    invoice_date       DATE,
    tax_point          DATE,
    due_date           DATE,
    contract_reference TEXT NOT NULL,
    client_name        TEXT NOT NULL,
    client_address     TEXT NOT NULL,
    client_vat_number  TEXT NOT NULL DEFAULT '',
    client_email       TEXT NOT NULL DEFAULT '',
    po_number          TEXT NOT NULL DEFAULT '',
    payment_terms_days INTEGER NOT NULL,
    net                BIGINT NOT NULL DEFAULT 0,
    vat                BIGINT NOT NULL DEFAULT 0,
    total              BIGINT NOT NULL DEFAULT 0,
    paid               BIGINT NOT NULL DEFAULT 0 CHECK (paid >= 0),
    credited           BIGINT NOT NULL DEFAULT 0 CHECK (credited >= 0),
    stripe_customer_id TEXT NOT NULL DEFAULT '',
    stripe_invoice_id  TEXT NOT NULL DEFAULT '',
    stripe_hosted_url  TEXT NOT NULL DEFAULT '',
    stripe_sync        TEXT NOT NULL DEFAULT '',      -- '', pending, synced
    stripe_error       TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL DEFAULT 1,
    issued_at          TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
-- One invoice per contract and month: a re-run refreshes it, never duplicates it.
CREATE UNIQUE INDEX invoices_contract_period_key ON invoices (contract_id, period);
CREATE UNIQUE INDEX invoices_number_key ON invoices (number);
CREATE UNIQUE INDEX invoices_seq_key ON invoices (seq);
CREATE INDEX invoices_period_idx ON invoices (period, state);
CREATE INDEX invoices_client_idx ON invoices (client_id);

CREATE TABLE invoice_lines (
    id          TEXT PRIMARY KEY,
    invoice_id  TEXT NOT NULL REFERENCES invoices (id),
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('visit', 'hours', 'cancellation', 'fixed', 'manual')),
    visit_id    TEXT,
    service_date DATE,
    description TEXT NOT NULL,
    quantity    BIGINT NOT NULL,                      -- visits, minutes (hours lines), months or units
    unit        TEXT NOT NULL,
    unit_price  BIGINT NOT NULL CHECK (unit_price >= 0),
    net         BIGINT NOT NULL CHECK (net >= 0),
    vat_rate_bp INTEGER NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX invoice_lines_invoice_idx ON invoice_lines (invoice_id, position);
CREATE UNIQUE INDEX invoice_lines_visit_key ON invoice_lines (invoice_id, visit_id, kind);

CREATE TABLE credit_notes (
    id          TEXT PRIMARY KEY,
    invoice_id  TEXT NOT NULL REFERENCES invoices (id),
    number      TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    issue_date  DATE NOT NULL,
    reason      TEXT NOT NULL,
    full_credit BOOLEAN NOT NULL,
    net         BIGINT NOT NULL CHECK (net >= 0),
    vat         BIGINT NOT NULL CHECK (vat >= 0),
    total       BIGINT NOT NULL CHECK (total > 0),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX credit_notes_number_key ON credit_notes (number);
CREATE UNIQUE INDEX credit_notes_seq_key ON credit_notes (seq);
CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id);

CREATE TABLE credit_note_lines (
    id             TEXT PRIMARY KEY,
    credit_note_id TEXT NOT NULL REFERENCES credit_notes (id),
    position       INTEGER NOT NULL,
    description    TEXT NOT NULL,
    net            BIGINT NOT NULL,
    vat_rate_bp    INTEGER NOT NULL,
    vat            BIGINT NOT NULL
);
CREATE INDEX credit_note_lines_note_idx ON credit_note_lines (credit_note_id, position);

CREATE TABLE payments (
    id          TEXT PRIMARY KEY,
    invoice_id  TEXT NOT NULL REFERENCES invoices (id),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    method      TEXT NOT NULL CHECK (method IN ('bacs', 'cheque', 'card', 'stripe')),
    received_on DATE NOT NULL,
    reference   TEXT NOT NULL DEFAULT '',
    source_key  TEXT,                                 -- e.g. the Stripe event ID: a replay is refused
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX payments_invoice_idx ON payments (invoice_id);
CREATE UNIQUE INDEX payments_source_key ON payments (source_key);

-- +goose Down
DROP TABLE payments;
DROP TABLE credit_note_lines;
DROP TABLE credit_notes;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE invoice_runs;
DROP TABLE number_sequences;
