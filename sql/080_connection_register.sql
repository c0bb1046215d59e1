-- The connection register: for every session, who was connected, when,
-- through which NAS and line, with which addresses (décret 2021-1362 art. 5:
-- the data that identify the source of a connection, kept for a legal
-- period counted from the end of the connection). Separate from billing
-- (usage_sessions): its own retention, its own readers (requisitions).
-- Written by the usage flush (accounting/flusher.ts) with idempotent upserts,
-- like usage_sessions, so a replayed or concurrent flush is harmless.
CREATE TABLE connection_register (
  -- Our Acct-Unique-Session-Id, as usage_sessions.unique_id.
  unique_id           text PRIMARY KEY,
  -- No cascade: a tenant cannot be removed while its register is still held.
  tenant_id           integer NOT NULL REFERENCES tenants (id),
  -- The subscriber in clear, or NULL when retention.keyFile seals it into identity_sealed.
  username            text,
  member_id           bigint,
  -- AES-256-GCM of {"u": username, "m": member id}: 12-byte nonce | ciphertext | 16-byte tag,
  -- the row's unique_id as additional data (src/privacy/identity-key.ts).
  identity_sealed     bytea,
  -- First 8 hex digits of sha256(key): which key sealed the row (rotation tells old from new).
  identity_key_id     text CONSTRAINT connection_register_key_id_check CHECK (identity_key_id ~ '^[0-9a-f]{8}$'),
  -- How much of the identity is known: 0 none yet, 1 the username, 2 username and member id.
  -- A flush replaces the identity only with a more complete one.
  identity_rank       smallint NOT NULL DEFAULT 0 CONSTRAINT connection_register_rank_check CHECK (identity_rank BETWEEN 0 AND 2),
  nas                 text NOT NULL,
  -- NAS-IP-Address, else the NAS client's own address when it is a single host.
  nas_address         inet,
  nas_port            bigint,
  nas_port_id         text,
  -- members.line_id of the member when the session was flushed.
  line_id             text,
  -- Framed-Interface-Id (RFC 3162 §2.1), 16 hex digits.
  framed_interface_id text,
  start_time          timestamptz NOT NULL,
  -- NULL while the session is open.
  stop_time           timestamptz,
  -- Only to let a real Stop replace the reaper's 'Stale-Session' guess, as in usage_sessions.
  terminate_cause     text,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT connection_register_identity_check CHECK (identity_sealed IS NULL OR (username IS NULL AND member_id IS NULL AND identity_key_id IS NOT NULL))
);
-- The purge: closed sessions by end.
CREATE INDEX connection_register_stop_idx ON connection_register (stop_time) WHERE stop_time IS NOT NULL;
CREATE INDEX connection_register_tenant_idx ON connection_register (tenant_id);

-- Every address a session was given, one row each: Framed-IP-Address (/32),
-- Framed-IPv6-Prefix, Delegated-IPv6-Prefix (RFC 3162 §2.3, RFC 4818), and the
-- address a Framed-Interface-Id makes inside a Framed-IPv6-Prefix (/128).
-- The session's tenant and period are copied here so that one GiST index
-- answers "who had address A at instant T": address containment (inet_ops)
-- and period overlap (range_ops), both built-in operator classes.
CREATE TABLE connection_register_addresses (
  unique_id text NOT NULL REFERENCES connection_register (unique_id) ON DELETE CASCADE,
  tenant_id integer NOT NULL,
  kind      text NOT NULL CONSTRAINT connection_register_addresses_kind_check
              CHECK (kind IN ('framed-ip', 'framed-ipv6-prefix', 'delegated-ipv6-prefix', 'framed-interface-id')),
  address   cidr NOT NULL,
  -- [start, stop], unbounded above while the session is open.
  period    tstzrange NOT NULL,
  PRIMARY KEY (unique_id, kind, address)
);
CREATE INDEX connection_register_addresses_lookup_idx ON connection_register_addresses USING gist (address inet_ops, period);

-- Every requisition lookup, with or without a result: who ran it, when, the
-- authority's reference, the query and what was returned. Append-only: no
-- command, route or service changes or deletes a row, and the triggers
-- below refuse it to anyone else too.
CREATE TABLE requisition_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text NOT NULL,
  reference  text NOT NULL CONSTRAINT requisition_log_reference_check CHECK (reference <> ''),
  -- The scope the lookup answered within: a tenant (its id and name then), or the whole deployment.
  all_tenants boolean NOT NULL,
  tenant_id  integer,
  tenant     text,
  -- {"ip", "at", "port"} as asked.
  query      jsonb NOT NULL,
  -- [{"tenant", "username", "member_id", "unique_id"}]: the member(s) and sessions returned.
  result     jsonb NOT NULL CONSTRAINT requisition_log_result_check CHECK (jsonb_typeof(result) = 'array'),
  CONSTRAINT requisition_log_scope_check CHECK (all_tenants = (tenant_id IS NULL))
);
CREATE INDEX requisition_log_at_idx ON requisition_log (at);

CREATE FUNCTION radassoc_requisition_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'requisition_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER requisition_log_no_change BEFORE UPDATE OR DELETE ON requisition_log
  FOR EACH ROW EXECUTE FUNCTION radassoc_requisition_log_append_only();
CREATE TRIGGER requisition_log_no_truncate BEFORE TRUNCATE ON requisition_log
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_requisition_log_append_only();

-- The requisition role: the association's contact for the authorities'
-- requests, for lookups and the yearly report alone (not given to admin).
ALTER TABLE api_admin_roles DROP CONSTRAINT api_admin_roles_role_check;
ALTER TABLE api_admin_roles ADD CONSTRAINT api_admin_roles_role_check CHECK (role IN ('admin', 'treasurer', 'support', 'requisition'));
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check CHECK (role IN ('admin', 'treasurer', 'support', 'operator', 'requisition'));
