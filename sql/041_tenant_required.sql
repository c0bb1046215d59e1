-- Every writer names its tenant now: a row without one is a bug to refuse, not a row to give to 'default'.
ALTER TABLE plans ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE members ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE usage_sessions ALTER COLUMN tenant_id DROP DEFAULT;
