-- migrate:up
-- The ledger behind credits.balance: append-only, one row per movement.
-- Positive amounts add credits (purchase, refund, bonus), negative ones spend
-- them (use). Deleting a credits account deletes its ledger with it.
CREATE TABLE credit_transactions (
  id                TEXT PRIMARY KEY,
  credit_id         TEXT NOT NULL REFERENCES credits (id) ON DELETE CASCADE,
  type              TEXT NOT NULL
                    CHECK (type IN ('purchase', 'use', 'refund', 'bonus')),
  amount            INTEGER NOT NULL CHECK (amount <> 0),
  -- Filled in by the trigger of 007 after the balance has moved.
  balance_after     INTEGER,
  description       TEXT,
  stripe_payment_id TEXT,
  metadata          TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
  created_at        INTEGER NOT NULL DEFAULT (unixepoch()),
  CHECK ((type = 'use') = (amount < 0))
);

CREATE INDEX idx_credit_transactions_credit_id
  ON credit_transactions (credit_id, created_at);

-- migrate:down
DROP INDEX idx_credit_transactions_credit_id;
DROP TABLE credit_transactions;
