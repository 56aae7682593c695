-- strata:targets SSO_DB
-- strata:owner admin-worker

-- migrate:up
-- Single sign-on sessions live in their own database so the sso-worker can
-- write them at login rate without touching the users database.
-- user_id is a users.id from DB (edgeauth-users): deliberately NO foreign key,
-- D1 cannot enforce or join across databases.
-- Used by: sso-worker (read/write).
CREATE TABLE sso_sessions (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL,
  token_hash  TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
  expires_at  INTEGER NOT NULL,
  revoked_at  INTEGER,
  CHECK (expires_at > created_at),
  CHECK (revoked_at IS NULL OR revoked_at >= created_at)
);

CREATE INDEX idx_sso_sessions_user_id ON sso_sessions (user_id);
CREATE INDEX idx_sso_sessions_expires_at ON sso_sessions (expires_at);

-- migrate:down
DROP INDEX idx_sso_sessions_expires_at;
DROP INDEX idx_sso_sessions_user_id;
DROP TABLE sso_sessions;
