-- migrate:up
-- Link each plan to its Stripe Price so checkout can be created from a plan id.
-- The column gets a (partial) unique index, so the down section must drop the
-- index BEFORE dropping the column: SQLite refuses to drop an indexed column.
ALTER TABLE plans ADD COLUMN stripe_price_id TEXT;

UPDATE plans SET stripe_price_id = 'price_demo_pro_monthly'  WHERE id = 'pro_monthly';
UPDATE plans SET stripe_price_id = 'price_demo_pro_yearly'   WHERE id = 'pro_yearly';
UPDATE plans SET stripe_price_id = 'price_demo_team_monthly' WHERE id = 'team_monthly';

-- The free plan has no price: only priced plans must be unique.
CREATE UNIQUE INDEX idx_plans_stripe_price_id
  ON plans (stripe_price_id)
  WHERE stripe_price_id IS NOT NULL;

-- migrate:down
DROP INDEX idx_plans_stripe_price_id;
ALTER TABLE plans DROP COLUMN stripe_price_id;
