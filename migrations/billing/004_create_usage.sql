-- migrate:up
-- Metered usage, one row per billable event, rolled up per calendar month.
-- Usage outlives the subscription it was billed under: when a subscription
-- row is deleted the history stays, unattached (ON DELETE SET NULL).
CREATE TABLE usage (
  id              TEXT PRIMARY KEY,
  user_id         TEXT NOT NULL,
  subscription_id TEXT REFERENCES subscriptions (id) ON DELETE SET NULL,
  resource        TEXT NOT NULL,
  quantity        INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
  cost_cents      INTEGER CHECK (cost_cents >= 0),
  -- 'YYYY-MM'
  month           TEXT NOT NULL
                  CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  metadata        TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
  created_at      INTEGER NOT NULL DEFAULT (unixepoch())
);

-- The monthly invoice query: "all of this user's usage in this month".
CREATE INDEX idx_usage_user_month ON usage (user_id, month);
CREATE INDEX idx_usage_subscription_id ON usage (subscription_id);

-- migrate:down
DROP INDEX idx_usage_subscription_id;
DROP INDEX idx_usage_user_month;
DROP TABLE usage;
