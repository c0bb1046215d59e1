-- Webhooks per tenant, and their durable outbox. An event is queued as one
-- row per subscribed hook, in the transaction of its cause where it has one
-- (a suspension, a resume), so that it is sent if and only if the cause was
-- committed; the daemons' workers deliver the rows (src/webhooks/worker.ts)
-- and keep them after delivery for `webhooks.retentionDays`.

CREATE TABLE hooks (
  id         bigserial PRIMARY KEY,
  tenant_id  integer NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  url        text NOT NULL CONSTRAINT hooks_url_check CHECK (url ~ '^https?://' AND length(url) <= 2000),
  events     text[] NOT NULL CONSTRAINT hooks_events_check CHECK (
               cardinality(events) > 0
               AND events <@ ARRAY['session.started', 'session.stopped', 'member.suspended', 'member.resumed', 'member.lapsing']::text[]),
  -- The HMAC key: kept as given, since signing needs it; never returned after creation.
  secret     text NOT NULL CONSTRAINT hooks_secret_check CHECK (length(secret) >= 16),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hooks_tenant_idx ON hooks (tenant_id);

CREATE TABLE hook_deliveries (
  id              bigserial PRIMARY KEY,
  hook_id         bigint NOT NULL REFERENCES hooks (id) ON DELETE CASCADE,
  -- X-Radassoc-Delivery: the same on every attempt, so a receiver drops a repeat.
  event_id        uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT hook_deliveries_event_id_key UNIQUE,
  event           text NOT NULL,
  -- The event's data; the body adds id, type, time and tenant around it.
  payload         jsonb NOT NULL,
  -- One event per cause however often the cause is seen (a retransmitted Start, the lapsing job on two daemons).
  dedupe_key      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  attempts        integer NOT NULL DEFAULT 0,
  -- Due time; while an attempt runs, the end of its lease (no other daemon takes it before).
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  -- Given up: still undelivered after webhooks.maxAgeHours.
  failed_at       timestamptz,
  last_status     integer,
  last_error      text,
  CONSTRAINT hook_deliveries_dedupe_key UNIQUE (hook_id, dedupe_key)
);
CREATE INDEX hook_deliveries_due_idx ON hook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX hook_deliveries_hook_idx ON hook_deliveries (hook_id, id);
CREATE INDEX hook_deliveries_created_idx ON hook_deliveries (created_at);

-- New work wakes every daemon's worker at commit; hooks changed refresh the
-- daemons' view of who subscribes to what (src/webhooks/subscriptions.ts).
CREATE FUNCTION radassoc_notify_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], '');
  RETURN NULL;
END
$$;

CREATE TRIGGER hook_deliveries_notify AFTER INSERT ON hook_deliveries
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_statement('radassoc_hook_deliveries');
CREATE TRIGGER hooks_notify AFTER INSERT OR UPDATE OR DELETE ON hooks
  FOR EACH STATEMENT EXECUTE FUNCTION radassoc_notify_statement('radassoc_hooks');
