-- strata:targets DB
-- strata:owner admin-worker

-- migrate:up
-- Every worker that updates a user forgot updated_at at least once: let the
-- database stamp it. The WHEN clause skips updates that set it themselves, and
-- the inner WHERE ends the chain even with PRAGMA recursive_triggers=ON.
CREATE TRIGGER trg_users_set_updated_at
AFTER UPDATE ON users
FOR EACH ROW
WHEN NEW.updated_at = OLD.updated_at
BEGIN
  UPDATE users
  SET updated_at = unixepoch()
  WHERE id = NEW.id
    AND updated_at < unixepoch();
END;

-- migrate:down
DROP TRIGGER trg_users_set_updated_at;
