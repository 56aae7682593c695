-- migrate:up
-- Seed the launch catalogue. This migration is data only and deliberately has
-- NO down section: once customers subscribe, these rows are referenced, and
-- "undoing" a price list is a business decision, not a rollback. Strata
-- refuses to migrate down past this file and says why.
INSERT INTO plans (id, name, price_cents, billing_interval, monthly_credits)
VALUES
  ('free',         'Free',           0,     'month', 100),
  ('pro_monthly',  'Pro (monthly)',  1900,  'month', 5000),
  ('pro_yearly',   'Pro (yearly)',   19000, 'year',  5000),
  ('team_monthly', 'Team (monthly)', 4900,  'month', 25000);
