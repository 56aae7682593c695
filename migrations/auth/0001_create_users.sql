-- strata:targets DB
-- strata:owner admin-worker

-- migrate:up
-- Users are the root of the auth service: every SSO session, OAuth token and
-- billing record points at a users.id, but only this database holds the table.
-- Used by: admin-worker (read/write), sso-worker (read).
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  display_name  TEXT,
  password_hash TEXT,
  status        TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'suspended', 'pending_verification')),
  is_deleted    INTEGER NOT NULL DEFAULT 0 CHECK (is_deleted IN (0, 1)),
  deleted_at    INTEGER,
  created_at    INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at    INTEGER NOT NULL DEFAULT (unixepoch()),
  -- A soft-deleted user must say when it happened.
  CHECK (is_deleted = 0 OR deleted_at IS NOT NULL)
);

CREATE INDEX idx_users_status ON users (status);

-- migrate:down
DROP INDEX idx_users_status;
DROP TABLE users;
