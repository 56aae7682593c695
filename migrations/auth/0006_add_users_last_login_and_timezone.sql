-- strata:targets DB
-- strata:owner admin-worker

-- migrate:up
-- The dashboard shows "last seen" and renders times in the user's own zone.
-- Neither column is indexed, so the down section can DROP COLUMN them.
ALTER TABLE users ADD COLUMN last_login_at INTEGER;
ALTER TABLE users ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';

-- migrate:down
ALTER TABLE users DROP COLUMN timezone;
ALTER TABLE users DROP COLUMN last_login_at;
