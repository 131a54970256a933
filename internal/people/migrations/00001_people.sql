-- +goose Up
CREATE TABLE people (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,            -- stored lower-cased
    password_hash TEXT NOT NULL DEFAULT '',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX people_email_key ON people (email);

CREATE TABLE person_roles (
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role IN ('employee', 'supervisor', 'support_worker', 'finance', 'admin')),
    PRIMARY KEY (person_id, role)
);
CREATE INDEX person_roles_role_idx ON person_roles (role);

-- The employment record of people who hold the employee role. The employee
-- ID used across the API is the person's ID.
CREATE TABLE employees (
    person_id                   TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    works_number                TEXT NOT NULL,
    start_date                  DATE NOT NULL,
    end_date                    DATE,
    date_of_birth               DATE,
    contract_type               TEXT NOT NULL CHECK (contract_type IN ('zero_hours', 'contracted')),
    contracted_minutes_per_week INTEGER NOT NULL DEFAULT 0 CHECK (contracted_minutes_per_week >= 0),
    created_at                  TIMESTAMPTZ NOT NULL,
    updated_at                  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX employees_works_number_key ON employees (works_number);

-- Sign-ins. Only a SHA-256 of the token is stored.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL,
    person_id    TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash);
CREATE INDEX sessions_person_idx ON sessions (person_id);

-- +goose Down
DROP TABLE sessions;
DROP TABLE employees;
DROP TABLE person_roles;
DROP TABLE people;
