-- migrate:up
-- Prepaid credits: one balance per user. The balance can never go negative;
-- it is maintained from credit_transactions by a trigger (see 007), never
-- written directly by the application.
CREATE TABLE credits (
  id                 TEXT PRIMARY KEY,
  user_id            TEXT NOT NULL UNIQUE,
  balance            INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
  lifetime_purchased INTEGER NOT NULL DEFAULT 0 CHECK (lifetime_purchased >= 0),
  lifetime_used      INTEGER NOT NULL DEFAULT 0 CHECK (lifetime_used >= 0),
  created_at         INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at         INTEGER NOT NULL DEFAULT (unixepoch())
);

-- migrate:down
DROP TABLE credits;
