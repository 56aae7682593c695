-- migrate:up
-- Stripe lets customers cancel "at the end of the period": record the intent
-- and when the subscription actually ended. Neither column is indexed, so the
-- down section can DROP COLUMN them.
ALTER TABLE subscriptions
  ADD COLUMN cancel_at_period_end INTEGER NOT NULL DEFAULT 0
  CHECK (cancel_at_period_end IN (0, 1));
ALTER TABLE subscriptions ADD COLUMN cancelled_at INTEGER;

-- migrate:down
ALTER TABLE subscriptions DROP COLUMN cancelled_at;
ALTER TABLE subscriptions DROP COLUMN cancel_at_period_end;
