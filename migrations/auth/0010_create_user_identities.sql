-- strata:targets DB
-- strata:owner admin-worker

-- migrate:up
-- "Sign in with Google / GitHub / SAML": external identities linked to a user.
-- Same database as users, so this one CAN have a real foreign key; deleting a
-- user unlinks all their identities.
CREATE TABLE user_identities (
  id               TEXT PRIMARY KEY,
  user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  provider         TEXT NOT NULL
                   CHECK (provider IN ('google', 'github', 'microsoft', 'saml')),
  provider_subject TEXT NOT NULL,
  email            TEXT,
  created_at       INTEGER NOT NULL DEFAULT (unixepoch()),
  last_used_at     INTEGER,
  UNIQUE (provider, provider_subject)
);

CREATE INDEX idx_user_identities_user_id ON user_identities (user_id);

-- migrate:down
DROP INDEX idx_user_identities_user_id;
DROP TABLE user_identities;
