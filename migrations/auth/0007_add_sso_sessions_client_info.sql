-- strata:targets SSO_DB
-- strata:owner admin-worker

-- migrate:up
-- "Where am I signed in?": remember the client address and browser of each
-- session so users can recognise and revoke the ones that are not theirs.
ALTER TABLE sso_sessions ADD COLUMN ip_address TEXT;
ALTER TABLE sso_sessions ADD COLUMN user_agent TEXT;

-- migrate:down
ALTER TABLE sso_sessions DROP COLUMN user_agent;
ALTER TABLE sso_sessions DROP COLUMN ip_address;
