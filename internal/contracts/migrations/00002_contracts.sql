-- +goose Up
CREATE TABLE contracts (
    id          TEXT PRIMARY KEY,
    reference   TEXT NOT NULL,
    client_id   TEXT NOT NULL REFERENCES clients (id),
    start_date  DATE NOT NULL,
    end_date    DATE,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'active', 'suspended', 'ended')),
    pricing     TEXT NOT NULL CHECK (pricing IN ('per_visit', 'per_cleaner_hour', 'fixed_monthly')),
    vat_rate_bp INTEGER NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
    po_number   TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX contracts_reference_key ON contracts (reference);
CREATE INDEX contracts_client_idx ON contracts (client_id);

CREATE TABLE contract_sites (
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    site_id     TEXT NOT NULL REFERENCES sites (id),
    PRIMARY KEY (contract_id, site_id)
);

-- A price takes effect from a date and lasts until the next one: history is kept.
CREATE TABLE contract_prices (
    id             TEXT PRIMARY KEY,
    contract_id    TEXT NOT NULL REFERENCES contracts (id),
    effective_from DATE NOT NULL,
    amount         BIGINT NOT NULL CHECK (amount >= 0),
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX contract_prices_from_key ON contract_prices (contract_id, effective_from);

-- +goose Down
DROP TABLE contract_prices;
DROP TABLE contract_sites;
DROP TABLE contracts;
