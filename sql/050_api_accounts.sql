-- Who may call the HTTP API: admin accounts (people, with a role per tenant,
-- or the deployment-wide operator), their login sessions, API tokens for
-- machines, and the responses kept for Idempotency-Key retries. Secrets are
-- never stored: passwords as scrypt hashes, tokens as SHA-256 digests.

CREATE TABLE api_admins (
  id            bigserial PRIMARY KEY,
  -- Deployment-wide: one login names one person whatever tenants they serve.
  username      text NOT NULL CONSTRAINT api_admins_username_key UNIQUE
                  CONSTRAINT api_admins_username_check CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
  -- scrypt$N=...,r=...,p=...$salt$hash (src/api/passwords.ts).
  password_hash text NOT NULL CONSTRAINT api_admins_password_hash_check CHECK (password_hash LIKE 'scrypt$%'),
  -- Operators act in every tenant; the others only where api_admin_roles gives them a role.
  operator      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER api_admins_touch BEFORE UPDATE ON api_admins
  FOR EACH ROW EXECUTE FUNCTION radassoc_touch_updated_at();

CREATE TABLE api_admin_roles (
  admin_id  bigint NOT NULL REFERENCES api_admins (id) ON DELETE CASCADE,
  tenant_id integer NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  role      text NOT NULL CONSTRAINT api_admin_roles_role_check CHECK (role IN ('admin', 'treasurer', 'support')),
  PRIMARY KEY (admin_id, tenant_id)
);
CREATE INDEX api_admin_roles_tenant_idx ON api_admin_roles (tenant_id);

-- An admin's login: the bearer token's digest, until it expires or logout revokes it.
CREATE TABLE api_sessions (
  id           bigserial PRIMARY KEY,
  admin_id     bigint NOT NULL REFERENCES api_admins (id) ON DELETE CASCADE,
  token_hash   bytea NOT NULL CONSTRAINT api_sessions_token_hash_key UNIQUE
                 CONSTRAINT api_sessions_token_hash_check CHECK (octet_length(token_hash) = 32),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_sessions_admin_idx ON api_sessions (admin_id);
CREATE INDEX api_sessions_expires_idx ON api_sessions (expires_at);

-- Tokens for machines (a member-management tool): one tenant and one role,
-- or the operator role with no tenant.
CREATE TABLE api_tokens (
  id           bigserial PRIMARY KEY,
  tenant_id    integer REFERENCES tenants (id) ON DELETE CASCADE,
  role         text NOT NULL CONSTRAINT api_tokens_role_check CHECK (role IN ('admin', 'treasurer', 'support', 'operator')),
  name         text CONSTRAINT api_tokens_name_check CHECK (name <> '' AND length(name) <= 100),
  -- What `token list` shows: 'rda_' and the first characters, too few to be worth guessing from.
  prefix       text NOT NULL,
  token_hash   bytea NOT NULL CONSTRAINT api_tokens_token_hash_key UNIQUE
                 CONSTRAINT api_tokens_token_hash_check CHECK (octet_length(token_hash) = 32),
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz,
  CONSTRAINT api_tokens_tenant_check CHECK ((role = 'operator') = (tenant_id IS NULL))
);
CREATE INDEX api_tokens_tenant_idx ON api_tokens (tenant_id);

-- A POST create's response, kept 24 hours for a retry with the same
-- Idempotency-Key: the same request gets it back, another is refused.
-- status 0: the first request is still running.
CREATE TABLE api_idempotency_keys (
  principal   text NOT NULL,
  key         text NOT NULL CONSTRAINT api_idempotency_keys_key_check CHECK (key <> '' AND length(key) <= 255),
  tenant_id   integer REFERENCES tenants (id) ON DELETE CASCADE,
  fingerprint bytea NOT NULL,
  status      integer NOT NULL,
  body        jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, key)
);
CREATE INDEX api_idempotency_keys_created_idx ON api_idempotency_keys (created_at);

-- The API's member list, a page at a time in username order within a tenant
-- (src/db/member-pages.ts). Byte order (COLLATE "C"), whatever the database's
-- locale: a username prefix is then one range of the index.
CREATE INDEX members_tenant_username_page_idx ON members (tenant_id, (username COLLATE "C"));
CREATE INDEX members_tenant_status_page_idx ON members (tenant_id, status, (username COLLATE "C"));
CREATE INDEX members_tenant_plan_page_idx ON members (tenant_id, plan, (username COLLATE "C")) WHERE plan IS NOT NULL;
