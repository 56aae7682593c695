-- migrate:up
-- The catalogue of what can be bought. Plans are referenced by subscriptions
-- and never deleted while in use (see ON DELETE RESTRICT in 003); retire a plan
-- with is_active = 0 instead.
CREATE TABLE plans (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL UNIQUE,
  price_cents      INTEGER NOT NULL CHECK (price_cents >= 0),
  currency         TEXT NOT NULL DEFAULT 'usd' CHECK (length(currency) = 3),
  billing_interval TEXT NOT NULL CHECK (billing_interval IN ('month', 'year')),
  monthly_credits  INTEGER NOT NULL DEFAULT 0 CHECK (monthly_credits >= 0),
  is_active        INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  created_at       INTEGER NOT NULL DEFAULT (unixepoch())
);

-- migrate:down
DROP TABLE plans;
