-- migrate:up
-- "Who is paying for what right now" is asked by the dashboard, the usage
-- metering and support: one view instead of three copies of the same join.
-- A partial index serves it, covering only the subscriptions still running.
CREATE VIEW active_subscriptions AS
SELECT
  s.id                   AS subscription_id,
  s.user_id,
  s.status,
  p.id                   AS plan_id,
  p.name                 AS plan_name,
  p.price_cents,
  p.currency,
  p.billing_interval,
  p.monthly_credits,
  s.current_period_end,
  s.cancel_at_period_end
FROM subscriptions AS s
JOIN plans AS p ON p.id = s.plan_id
WHERE s.status IN ('trialing', 'active', 'past_due');

CREATE INDEX idx_subscriptions_running
  ON subscriptions (user_id, plan_id)
  WHERE status IN ('trialing', 'active', 'past_due');

-- migrate:down
DROP INDEX idx_subscriptions_running;
DROP VIEW active_subscriptions;
