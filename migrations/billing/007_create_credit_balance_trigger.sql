-- migrate:up
-- Keep credits.balance in sync with the ledger inside the same statement, so
-- a crash can never leave the two disagreeing. Spending more than the balance
-- fails on credits' CHECK (balance >= 0) and the INSERT is rejected whole.
CREATE TRIGGER trg_credit_transactions_apply
AFTER INSERT ON credit_transactions
FOR EACH ROW
BEGIN
  UPDATE credits
  SET balance            = balance + NEW.amount,
      lifetime_purchased = lifetime_purchased
                           + CASE WHEN NEW.type = 'purchase' THEN NEW.amount ELSE 0 END,
      lifetime_used      = lifetime_used
                           + CASE WHEN NEW.type = 'use' THEN -NEW.amount ELSE 0 END,
      updated_at         = NEW.created_at
  WHERE id = NEW.credit_id;

  UPDATE credit_transactions
  SET balance_after = (SELECT balance FROM credits WHERE id = NEW.credit_id)
  WHERE id = NEW.id;
END;

-- migrate:down
DROP TRIGGER trg_credit_transactions_apply;
