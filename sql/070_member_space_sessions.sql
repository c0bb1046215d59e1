-- A member's login to the member space (src/services/member-space.ts): the
-- cookie token's SHA-256 digest, until it expires or logout revokes it. The
-- member is named by tenant and username, so a session never reaches another
-- tenant's member; removing the member or the tenant ends its sessions.

CREATE TABLE member_space_sessions (
  id          bigserial PRIMARY KEY,
  tenant_id   integer NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  username    text NOT NULL,
  token_hash  bytea NOT NULL CONSTRAINT member_space_sessions_token_hash_key UNIQUE
                CONSTRAINT member_space_sessions_token_hash_check CHECK (octet_length(token_hash) = 32),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  FOREIGN KEY (tenant_id, username) REFERENCES members (tenant_id, username) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX member_space_sessions_member_idx ON member_space_sessions (tenant_id, username);
CREATE INDEX member_space_sessions_expires_idx ON member_space_sessions (expires_at);

-- A member's own history, month by month, within its tenant.
CREATE INDEX usage_sessions_tenant_username_start_idx ON usage_sessions (tenant_id, username, start_time);
