-- +goose Up
CREATE TABLE clients (
    id                 TEXT PRIMARY KEY,
    legal_name         TEXT NOT NULL,
    billing_email      TEXT NOT NULL,
    billing_address    TEXT NOT NULL,          -- lines separated by newlines
    vat_number         TEXT NOT NULL DEFAULT '',
    payment_terms_days INTEGER NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 120),
    default_po_number  TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX clients_legal_name_key ON clients (legal_name);

CREATE TABLE sites (
    id           TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL REFERENCES clients (id),
    name         TEXT NOT NULL,
    address      TEXT NOT NULL,
    postcode     TEXT NOT NULL,
    access_notes TEXT NOT NULL DEFAULT '',
    time_zone    TEXT NOT NULL DEFAULT 'Europe/London',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sites_client_idx ON sites (client_id);
CREATE UNIQUE INDEX sites_client_name_key ON sites (client_id, name);

-- +goose Down
DROP TABLE sites;
DROP TABLE clients;
