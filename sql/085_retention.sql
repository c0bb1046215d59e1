-- Retention (docs/privacy.md): what outlives the detail it was made from, and
-- what each retention run deleted. The periods themselves are settings: the
-- configuration's `retention` section and `authLog.retentionDays`, and each
-- tenant's own (tenants.settings).

-- A member's usage of one UTC calendar month, as the billing export summed it
-- from usage_sessions before that detail was deleted: the export of a folded
-- month reads these rows and gives the same figures. `sessions_carried`: of
-- `sessions`, those that began in an earlier month (they were counted there
-- too), so that a period of several months counts each session once.
-- No foreign key to members: billing history outlives the membership.
CREATE TABLE usage_monthly_totals (
  tenant_id        integer NOT NULL REFERENCES tenants (id),
  month            date NOT NULL CONSTRAINT usage_monthly_totals_month_check CHECK (extract(day FROM month) = 1),
  username         text NOT NULL,
  sessions         bigint NOT NULL,
  sessions_carried bigint NOT NULL DEFAULT 0,
  seconds          bigint NOT NULL,
  input_octets     bigint NOT NULL,
  output_octets    bigint NOT NULL,
  PRIMARY KEY (tenant_id, month, username)
);
CREATE INDEX usage_monthly_totals_member_idx ON usage_monthly_totals (tenant_id, username, month);

-- Per tenant, the first month whose usage detail is still held: every month
-- before it is folded into usage_monthly_totals, and the export reads it there.
CREATE TABLE usage_fold_horizon (
  tenant_id    integer PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  folded_until date NOT NULL CONSTRAINT usage_fold_horizon_month_check CHECK (extract(day FROM folded_until) = 1),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Statistics that outlive the detail, with no member in them: per tenant, day
-- (UTC) and plan (the member's plan when the month was folded; '' for none or a
-- removed member), the sessions active that day and their usage within it.
CREATE TABLE usage_daily_stats (
  tenant_id     integer NOT NULL REFERENCES tenants (id),
  day           date NOT NULL,
  plan          text NOT NULL,
  sessions      bigint NOT NULL,
  seconds       bigint NOT NULL,
  input_octets  bigint NOT NULL,
  output_octets bigint NOT NULL,
  PRIMARY KEY (tenant_id, day, plan)
);

-- What each retention run removed, counted per tenant and kind: never what the rows held.
-- tenant_id NULL: rows of no tenant (the deployment's own audit entries, unrouted requests).
CREATE TABLE retention_log (
  id        bigserial PRIMARY KEY,
  run_id    uuid NOT NULL,
  time      timestamptz NOT NULL DEFAULT now(),
  actor     text NOT NULL,
  tenant_id integer REFERENCES tenants (id) ON DELETE SET NULL,
  kind      text NOT NULL,
  -- Rows deleted (or, for identifiers, rows whose identifiers were cleared).
  rows      bigint NOT NULL,
  batches   integer NOT NULL,
  -- What went was older than this.
  cutoff    timestamptz
);
CREATE INDEX retention_log_time_idx ON retention_log (time);

-- Ended sessions by end time, per tenant: what usage detail and identifier retention look for.
CREATE INDEX usage_sessions_tenant_stop_idx ON usage_sessions (tenant_id, stop_time) WHERE stop_time IS NOT NULL;
