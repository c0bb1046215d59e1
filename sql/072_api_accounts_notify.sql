-- Every daemon remembers who a bearer token is for a few seconds
-- (src/api/principal-cache.ts): tell them all whenever an account changes
-- in a way that could refuse a token, from whichever process changed it.
-- One notification per statement, without payload: such changes are rare,
-- and the cache is simply emptied. Last-use stamps (last_used_at) notify
-- nothing.
CREATE FUNCTION radassoc_api_accounts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('radassoc_api_accounts', '');
  RETURN NULL;
END $$;

CREATE TRIGGER api_tokens_changed AFTER UPDATE OF revoked_at, expires_at, role, tenant_id, token_hash OR DELETE ON api_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_api_accounts_changed();
CREATE TRIGGER api_sessions_changed AFTER UPDATE OF revoked_at, expires_at, admin_id, token_hash OR DELETE ON api_sessions
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_api_accounts_changed();
CREATE TRIGGER api_admins_changed AFTER UPDATE OR DELETE ON api_admins
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_api_accounts_changed();
CREATE TRIGGER api_admin_roles_changed AFTER INSERT OR UPDATE OR DELETE ON api_admin_roles
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_api_accounts_changed();
-- A tenant renamed or removed changes the roles a principal carries.
CREATE TRIGGER tenants_api_accounts_changed AFTER UPDATE OF name OR DELETE ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_api_accounts_changed();
