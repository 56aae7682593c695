-- strata:targets OAUTH_DB
-- strata:owner admin-worker

-- migrate:up
-- Access and refresh tokens issued to clients. Only hashes are stored.
-- Deleting a client revokes everything it was issued (ON DELETE CASCADE);
-- deleting a refresh token takes the access tokens minted from it along.
-- user_id is a users.id from DB: no foreign key across databases.
-- Used by: oauth-worker (read/write).
CREATE TABLE oauth_tokens (
  id              TEXT PRIMARY KEY,
  client_id       TEXT NOT NULL
                  REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
  user_id         TEXT,
  token_type      TEXT NOT NULL CHECK (token_type IN ('access', 'refresh')),
  token_hash      TEXT NOT NULL UNIQUE,
  scope           TEXT NOT NULL DEFAULT '',
  parent_token_id TEXT
                  REFERENCES oauth_tokens (id) ON DELETE CASCADE,
  created_at      INTEGER NOT NULL DEFAULT (unixepoch()),
  expires_at      INTEGER NOT NULL,
  revoked_at      INTEGER,
  CHECK (expires_at > created_at)
);

CREATE INDEX idx_oauth_tokens_client_id ON oauth_tokens (client_id);
CREATE INDEX idx_oauth_tokens_user_id ON oauth_tokens (user_id);
CREATE INDEX idx_oauth_tokens_parent_token_id ON oauth_tokens (parent_token_id);

-- migrate:down
DROP INDEX idx_oauth_tokens_parent_token_id;
DROP INDEX idx_oauth_tokens_user_id;
DROP INDEX idx_oauth_tokens_client_id;
DROP TABLE oauth_tokens;
