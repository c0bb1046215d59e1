-- Change notifications: every daemon keeps members, NAS and plans in memory
-- and refreshes an entry when its key arrives on the channel, whoever made
-- the change (a daemon, the CLI, psql). Statement-level triggers with
-- transition tables, so a statement touching more than 100 rows sends one
-- empty payload ("reload everything", RELOAD_ALL in src/db/notify.ts) instead
-- of one notification per row. PostgreSQL delivers notifications at commit
-- and drops duplicates within a transaction.
--
-- TG_ARGV[0]: channel, TG_ARGV[1]: key column.
CREATE FUNCTION radassoc_notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  channel text := TG_ARGV[0];
  keys    text;
  changed bigint;
  k       text;
BEGIN
  keys := CASE TG_OP
    WHEN 'INSERT' THEN format('SELECT %I::text AS k FROM new_rows', TG_ARGV[1])
    WHEN 'DELETE' THEN format('SELECT %I::text AS k FROM old_rows', TG_ARGV[1])
    -- an update may rename the key: tell about the old and the new name
    ELSE format('SELECT %1$I::text AS k FROM old_rows UNION SELECT %1$I::text FROM new_rows', TG_ARGV[1])
  END;
  EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM %s LIMIT 101) s',
                 CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END) INTO changed;
  IF changed > 100 THEN
    PERFORM pg_notify(channel, '');
  ELSE
    FOR k IN EXECUTE keys LOOP
      PERFORM pg_notify(channel, k);
    END LOOP;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER members_notify_insert AFTER INSERT ON members REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_members', 'username');
CREATE TRIGGER members_notify_update AFTER UPDATE ON members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_members', 'username');
CREATE TRIGGER members_notify_delete AFTER DELETE ON members REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_members', 'username');

CREATE TRIGGER nas_notify_insert AFTER INSERT ON nas REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_nas', 'name');
CREATE TRIGGER nas_notify_update AFTER UPDATE ON nas REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_nas', 'name');
CREATE TRIGGER nas_notify_delete AFTER DELETE ON nas REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_nas', 'name');

CREATE TRIGGER plans_notify_insert AFTER INSERT ON plans REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_plans', 'name');
CREATE TRIGGER plans_notify_update AFTER UPDATE ON plans REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_plans', 'name');
CREATE TRIGGER plans_notify_delete AFTER DELETE ON plans REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_plans', 'name');
