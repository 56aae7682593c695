-- strata:targets SSO_DB
-- strata:owner admin-worker

-- migrate:up
-- Every request checks a user's live sessions; revoked ones are the bulk of
-- the table and never looked at again, so index only the rows still in play.
CREATE INDEX idx_sso_sessions_live
  ON sso_sessions (user_id, expires_at)
  WHERE revoked_at IS NULL;

-- migrate:down
DROP INDEX idx_sso_sessions_live;
