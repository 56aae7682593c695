-- migrate:up
-- One row per Stripe subscription. user_id is an EdgeAuth users.id that lives
-- in another database (edgeauth-users): no foreign key across databases.
-- plan_id is local, so it is a real foreign key, and a plan in use cannot be
-- deleted (RESTRICT).
CREATE TABLE subscriptions (
  id                     TEXT PRIMARY KEY,
  user_id                TEXT NOT NULL,
  plan_id                TEXT NOT NULL REFERENCES plans (id) ON DELETE RESTRICT,
  status                 TEXT NOT NULL
                         CHECK (status IN ('incomplete', 'trialing', 'active',
                                           'past_due', 'cancelled')),
  stripe_customer_id     TEXT,
  stripe_subscription_id TEXT UNIQUE,
  current_period_start   INTEGER,
  current_period_end     INTEGER,
  created_at             INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at             INTEGER NOT NULL DEFAULT (unixepoch()),
  CHECK (current_period_end IS NULL OR current_period_end > current_period_start)
);

CREATE INDEX idx_subscriptions_user_id ON subscriptions (user_id);
CREATE INDEX idx_subscriptions_plan_id ON subscriptions (plan_id);

-- migrate:down
DROP INDEX idx_subscriptions_plan_id;
DROP INDEX idx_subscriptions_user_id;
DROP TABLE subscriptions;
