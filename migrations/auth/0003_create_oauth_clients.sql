-- strata:targets OAUTH_DB
-- strata:owner admin-worker

-- migrate:up
-- Registered OAuth 2.0 clients (third-party apps). Public clients (SPAs,
-- mobile apps) have no secret and must use PKCE; confidential ones must have one.
-- owner_user_id is a users.id from DB: no foreign key across databases.
-- Used by: oauth-worker (read/write).
CREATE TABLE oauth_clients (
  client_id          TEXT PRIMARY KEY,
  client_secret_hash TEXT,
  name               TEXT NOT NULL,
  owner_user_id      TEXT NOT NULL,
  -- JSON array of allowed redirect URIs, e.g. '["https://app.example/cb"]'
  redirect_uris      TEXT NOT NULL DEFAULT '[]'
                     CHECK (json_valid(redirect_uris) AND json_type(redirect_uris) = 'array'),
  is_confidential    INTEGER NOT NULL DEFAULT 1 CHECK (is_confidential IN (0, 1)),
  created_at         INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at         INTEGER NOT NULL DEFAULT (unixepoch()),
  CHECK (is_confidential = 0 OR client_secret_hash IS NOT NULL),
  UNIQUE (owner_user_id, name)
);

-- migrate:down
DROP TABLE oauth_clients;
