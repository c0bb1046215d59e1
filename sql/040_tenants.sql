-- Tenants: the associations one deployment serves, each fully its own.
-- Members, plans, sessions, usage, the authentication, audit and disconnect
-- logs belong to exactly one tenant; a NAS is owned by one tenant, or shared
-- by the deployment and carrying several (nas_tenants). A database from
-- before tenants moves whole into the tenant 'default' (id 1).

CREATE TABLE tenants (
  id               serial PRIMARY KEY,
  -- What --tenant names: lower-case, for commands and labels.
  name             text NOT NULL CONSTRAINT tenants_name_key UNIQUE
                     CONSTRAINT tenants_name_check CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  display_name     text NOT NULL CONSTRAINT tenants_display_name_check CHECK (display_name <> ''),
  -- Strip the realm from User-Name before the member lookup (alice@asso-a → alice), or keep it.
  strip_realm      boolean NOT NULL DEFAULT true,
  -- Settings of its own over the deployment's (src/domain/tenant.ts TenantSettings); {} = the deployment's.
  settings         jsonb NOT NULL DEFAULT '{}'::jsonb CONSTRAINT tenants_settings_check CHECK (jsonb_typeof(settings) = 'object'),
  -- Reply attributes every Access-Accept of the tenant carries, before its plans' (e.g. the
  -- RFC 2868 tunnel to the association's own LNS), as plans.attributes.
  attributes       jsonb NOT NULL DEFAULT '[]'::jsonb CONSTRAINT tenants_attributes_check CHECK (jsonb_typeof(attributes) = 'array'),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER tenants_touch BEFORE UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION radassoc_touch_updated_at();

INSERT INTO tenants (id, name, display_name) VALUES (1, 'default', 'Default');
SELECT setval(pg_get_serial_sequence('tenants', 'id'), 1);

-- A realm names one tenant in the whole deployment; stored lower-case, matched case-insensitively.
CREATE TABLE tenant_realms (
  realm     text PRIMARY KEY CONSTRAINT tenant_realms_realm_check CHECK (realm <> '' AND realm = lower(realm)),
  tenant_id integer NOT NULL REFERENCES tenants (id) ON DELETE CASCADE
);
CREATE INDEX tenant_realms_tenant_idx ON tenant_realms (tenant_id);

-- Every row of before belongs to the default tenant. The defaults go in 041, once every writer names its tenant.
ALTER TABLE plans ADD COLUMN tenant_id integer NOT NULL DEFAULT 1 REFERENCES tenants (id);
ALTER TABLE members ADD COLUMN tenant_id integer NOT NULL DEFAULT 1 REFERENCES tenants (id);
ALTER TABLE auth_log ADD COLUMN tenant_id integer REFERENCES tenants (id);
ALTER TABLE audit_log ADD COLUMN tenant_id integer REFERENCES tenants (id);
ALTER TABLE usage_sessions ADD COLUMN tenant_id integer NOT NULL DEFAULT 1 REFERENCES tenants (id);
ALTER TABLE disconnect_log ADD COLUMN tenant_id integer REFERENCES tenants (id);
UPDATE auth_log SET tenant_id = 1;
UPDATE audit_log SET tenant_id = 1;
UPDATE disconnect_log SET tenant_id = 1;

-- Plan names are the tenant's own: the key becomes (tenant_id, name), and members point at it.
ALTER TABLE members DROP CONSTRAINT members_plan_fkey;
ALTER TABLE plans DROP CONSTRAINT plans_pkey;
ALTER TABLE plans ADD CONSTRAINT plans_pkey PRIMARY KEY (tenant_id, name);
ALTER TABLE members ADD CONSTRAINT members_plan_fkey FOREIGN KEY (tenant_id, plan) REFERENCES plans (tenant_id, name) ON UPDATE CASCADE;
DROP INDEX members_plan_idx;
CREATE INDEX members_plan_idx ON members (tenant_id, plan) WHERE plan IS NOT NULL;

-- Usernames and static addresses are unique within a tenant: alice@asso-a and alice@asso-b are two members.
ALTER TABLE members DROP CONSTRAINT members_username_key;
ALTER TABLE members ADD CONSTRAINT members_username_key UNIQUE (tenant_id, username);
DROP INDEX members_ipv4_key;
CREATE UNIQUE INDEX members_ipv4_key ON members (tenant_id, ipv4) WHERE ipv4 IS NOT NULL;

-- The access line a member is bound to (RFC 4679 Agent-Circuit-Id or Agent-Remote-Id, or NAS-Port-Id):
-- on fibre the line, not the login, says who is connecting.
ALTER TABLE members ADD COLUMN line_id text CONSTRAINT members_line_id_check CHECK (line_id <> '');
CREATE UNIQUE INDEX members_line_id_key ON members (tenant_id, line_id) WHERE line_id IS NOT NULL;

-- A NAS is owned by one tenant (it serves only that tenant's members), or, with tenant_id NULL,
-- shared by the deployment: then nas_tenants lists the tenants it carries, routed by realm.
-- NAS names and addresses stay deployment-wide: a source address must name exactly one secret.
ALTER TABLE nas ADD COLUMN tenant_id integer REFERENCES tenants (id);
UPDATE nas SET tenant_id = 1;
CREATE TABLE nas_tenants (
  nas       text NOT NULL REFERENCES nas (name) ON UPDATE CASCADE ON DELETE CASCADE,
  tenant_id integer NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  PRIMARY KEY (nas, tenant_id)
);
CREATE INDEX nas_tenants_tenant_idx ON nas_tenants (tenant_id);

-- Per-tenant reads: a tenant's log, its usage for a period.
CREATE INDEX auth_log_tenant_time_idx ON auth_log (tenant_id, time DESC);
CREATE INDEX audit_log_tenant_time_idx ON audit_log (tenant_id, time DESC);
CREATE INDEX usage_sessions_tenant_start_idx ON usage_sessions (tenant_id, start_time);
CREATE INDEX disconnect_log_tenant_time_idx ON disconnect_log (tenant_id, time DESC);

-- Cache notifications name the tenant: '<tenant_id>:<username>', '<tenant_id>:<plan>'.
-- The trigger function's second argument becomes an expression over the rows.
CREATE OR REPLACE FUNCTION radassoc_notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  channel text := TG_ARGV[0];
  key     text := TG_ARGV[1];
  keys    text;
  changed bigint;
  k       text;
BEGIN
  keys := CASE TG_OP
    WHEN 'INSERT' THEN format('SELECT (%s)::text AS k FROM new_rows', key)
    WHEN 'DELETE' THEN format('SELECT (%s)::text AS k FROM old_rows', key)
    -- an update may rename the key: tell about the old and the new name
    ELSE format('SELECT (%1$s)::text AS k FROM old_rows UNION SELECT (%1$s)::text FROM new_rows', key)
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

DROP TRIGGER members_notify_insert ON members;
DROP TRIGGER members_notify_update ON members;
DROP TRIGGER members_notify_delete ON members;
CREATE TRIGGER members_notify_insert AFTER INSERT ON members REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_members', 'tenant_id || '':'' || username');
CREATE TRIGGER members_notify_update AFTER UPDATE ON members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_members', 'tenant_id || '':'' || username');
CREATE TRIGGER members_notify_delete AFTER DELETE ON members REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_members', 'tenant_id || '':'' || username');

DROP TRIGGER plans_notify_insert ON plans;
DROP TRIGGER plans_notify_update ON plans;
DROP TRIGGER plans_notify_delete ON plans;
CREATE TRIGGER plans_notify_insert AFTER INSERT ON plans REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_plans', 'tenant_id || '':'' || name');
CREATE TRIGGER plans_notify_update AFTER UPDATE ON plans REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_plans', 'tenant_id || '':'' || name');
CREATE TRIGGER plans_notify_delete AFTER DELETE ON plans REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_plans', 'tenant_id || '':'' || name');

-- NAS notifications keep the name (deployment-wide). Tenants and realms change routing: one channel.
CREATE TRIGGER nas_tenants_notify_insert AFTER INSERT ON nas_tenants REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_nas', 'nas');
CREATE TRIGGER nas_tenants_notify_delete AFTER DELETE ON nas_tenants REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_nas', 'nas');
CREATE TRIGGER tenants_notify_insert AFTER INSERT ON tenants REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_tenants', 'id');
CREATE TRIGGER tenants_notify_update AFTER UPDATE ON tenants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_tenants', 'id');
CREATE TRIGGER tenants_notify_delete AFTER DELETE ON tenants REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_tenants', 'id');
CREATE TRIGGER tenant_realms_notify_insert AFTER INSERT ON tenant_realms REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_tenants', 'tenant_id');
CREATE TRIGGER tenant_realms_notify_delete AFTER DELETE ON tenant_realms REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_changes('radassoc_tenants', 'tenant_id');
