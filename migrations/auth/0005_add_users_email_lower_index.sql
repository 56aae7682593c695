-- strata:targets DB
-- strata:owner admin-worker

-- migrate:up
-- Logins look users up by e-mail regardless of case, and "Alice@x.io" and
-- "alice@x.io" must not become two accounts: a unique index on an expression.
CREATE UNIQUE INDEX idx_users_email_lower ON users (lower(email));

-- migrate:down
DROP INDEX idx_users_email_lower;
