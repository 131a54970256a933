-- +goose Up
-- What the outcomes reports need beyond the employment record: why someone
-- left (the leaving date itself is employees.end_date), where they moved on
-- to (only with their agreement), how they were referred, two flags recorded
-- with their consent, and the postcode district they live in (never a full
-- postcode). Nothing here names a condition.
CREATE TABLE employment_outcomes (
    person_id            TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    leaving_category     TEXT NOT NULL DEFAULT '' CHECK (leaving_category IN ('', 'open_employment', 'education_training',
                             'volunteering', 'health', 'dismissed', 'other')),
    moved_on_to          TEXT NOT NULL DEFAULT '',
    moved_on_consent     BOOLEAN NOT NULL DEFAULT FALSE,
    referral_source      TEXT NOT NULL DEFAULT '' CHECK (referral_source IN ('', 'self', 'nhs_team', 'ips_service', 'other')),
    long_term_unemployed BOOLEAN NOT NULL DEFAULT FALSE,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    flags_consent        BOOLEAN NOT NULL DEFAULT FALSE,
    postcode_district    TEXT NOT NULL DEFAULT '',
    updated_by           TEXT NOT NULL DEFAULT '',
    updated_at           TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE employment_outcomes;
