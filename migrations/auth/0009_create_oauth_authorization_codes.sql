-- strata:targets OAUTH_DB
-- strata:owner admin-worker

-- migrate:up
-- Short-lived authorization codes of the authorization-code flow, with PKCE.
-- A code belongs to its client and goes when the client goes.
-- user_id is a users.id from DB: no foreign key across databases.
CREATE TABLE oauth_authorization_codes (
  code_hash             TEXT PRIMARY KEY,
  client_id             TEXT NOT NULL
                        REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
  user_id               TEXT NOT NULL,
  redirect_uri          TEXT NOT NULL,
  scope                 TEXT NOT NULL DEFAULT '',
  code_challenge        TEXT,
  code_challenge_method TEXT CHECK (code_challenge_method IN ('S256', 'plain')),
  created_at            INTEGER NOT NULL DEFAULT (unixepoch()),
  expires_at            INTEGER NOT NULL,
  used_at               INTEGER,
  -- A challenge and its method come together or not at all.
  CHECK ((code_challenge IS NULL) = (code_challenge_method IS NULL)),
  CHECK (expires_at > created_at)
);

CREATE INDEX idx_oauth_authorization_codes_client_id
  ON oauth_authorization_codes (client_id);

-- migrate:down
DROP INDEX idx_oauth_authorization_codes_client_id;
DROP TABLE oauth_authorization_codes;
