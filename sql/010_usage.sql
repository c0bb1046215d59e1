-- Usage flushed from the live-session store (accounting/flusher.ts), what the
-- billing export reads. Written only by idempotent upserts that never lower a
-- counter (GREATEST), so a replayed or concurrent flush is harmless.
-- No foreign key to members or nas: usage history outlives both.
CREATE TABLE usage_sessions (
  -- Our Acct-Unique-Session-Id: md5(nas, Acct-Session-Id, start at first sight).
  unique_id          text PRIMARY KEY,
  nas                text NOT NULL,
  acct_session_id    text NOT NULL,
  username           text NOT NULL,
  start_time         timestamptz NOT NULL,
  -- NULL while the session is open.
  stop_time          timestamptz,
  -- Last record received for the session: the end of an open session's known usage.
  last_update        timestamptz NOT NULL,
  seconds            bigint NOT NULL DEFAULT 0,
  -- 64-bit, Gigawords included (RFC 2869 §5.1-5.2).
  input_octets       bigint NOT NULL DEFAULT 0,
  output_octets      bigint NOT NULL DEFAULT 0,
  input_packets      bigint NOT NULL DEFAULT 0,
  output_packets     bigint NOT NULL DEFAULT 0,
  -- RFC 2866 §5.10 name, or our own 'Stale-Session' for a session closed by the reaper.
  terminate_cause    text,
  framed_ip          inet,
  calling_station_id text,
  nas_port_id        text,
  class_hex          text,
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Export: sessions overlapping a period, per member.
CREATE INDEX usage_sessions_start_idx ON usage_sessions (start_time);
CREATE INDEX usage_sessions_username_start_idx ON usage_sessions (username, start_time);
-- `disconnect --session` / support lookups by what the NAS calls the session.
CREATE INDEX usage_sessions_nas_acct_idx ON usage_sessions (nas, acct_session_id);

-- Interim snapshots of a session's cumulative counters, so the usage of a
-- session spanning a period boundary can be split at the boundary.
CREATE TABLE usage_snapshots (
  unique_id     text NOT NULL REFERENCES usage_sessions (unique_id) ON DELETE CASCADE,
  at            timestamptz NOT NULL,
  seconds       bigint NOT NULL,
  input_octets  bigint NOT NULL,
  output_octets bigint NOT NULL,
  PRIMARY KEY (unique_id, at)
);
