/**
 * Every request and response body of the HTTP API, declared once with zod:
 * requests are validated against these (every field error at once, unknown
 * fields refused), and /api/openapi.json is generated from them with their
 * examples (openapi.ts). Field names are those of the CLI's --json output.
 */
import { z } from 'zod';
import { DISCONNECT_PROFILES } from '../coa/profiles.js';
import { ALL_AUTH_METHODS } from '../domain/member.js';
import { isIsoDate } from '../domain/validate.js';
import { isIPv4, parseCidr, parseIpv6Prefix } from '../net/ip.js';
import { REASON_MAX } from '../services/field-text.js';

/** A schema's request JSON Schema, to document a looser one that is checked by hand against it. */
function documentedAs(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return rest;
}

// ---- fields

const USERNAME = z
  .string()
  .min(1, { error: 'a username has 1 to 253 printable characters' })
  .max(253, { error: 'a username has 1 to 253 printable characters' })
  .refine((u) => !/[\u0000-\u001f\u007f]/.test(u), { error: 'a username has no control characters' })
  .meta({ description: 'Case-sensitive, exactly as the NAS sends it.', examples: ['alice'] });
const NAME = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { error: 'a name has 1 to 63 letters, digits, dots, dashes or underscores' });
const DATE = z.string().refine(isIsoDate, { error: 'not a day of the calendar written YYYY-MM-DD, e.g. 2026-12-31' }).meta({ format: 'date', examples: ['2026-12-31'] });
const IPV4 = z.string().refine(isIPv4, { error: 'not an IPv4 address like 192.0.2.10' }).meta({ examples: ['192.0.2.10'] });
const IPV6_PREFIX = z
  .string()
  .refine((v) => parseIpv6Prefix(v).ok, { error: 'not an IPv6 prefix like 2001:db8:1200::/56' })
  .meta({ examples: ['2001:db8:1200::/56'] });
const CIDR = z.string().refine((v) => parseCidr(v).ok, { error: 'not an address or CIDR block like 192.0.2.1 or 198.51.100.0/28' });
const PASSWORD = z.string().min(1, { error: 'the password is empty' }).meta({ writeOnly: true, description: 'Never returned, logged or audited.' });
const AUTH_METHOD = z.enum(ALL_AUTH_METHODS as unknown as [string, ...string[]]);
const AUTH = z
  .union([z.literal('all'), z.array(AUTH_METHOD).min(1, { error: 'give at least one method' })], {
    error: `"all" or a list of ${ALL_AUTH_METHODS.join(', ')}`,
  })
  .meta({ description: 'Methods the password must serve: "all" (default) or a list; ["pap"] alone keeps only a strong hash.', examples: [['pap', 'chap']] });
const MAX_SESSIONS = z.int({ error: 'a whole number of at least 1' }).min(1, { error: 'a whole number of at least 1' }).max(2 ** 31 - 1);
const TIME = z.string().meta({ format: 'date-time' });
const ATTRIBUTE = z.strictObject({ name: z.string().min(1), value: z.string() }).meta({ examples: [{ name: 'Session-Timeout', value: '86400' }] });

// ---- errors

export const ErrorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: 'Stable code (src/errors.ts), e.g. UNKNOWN_MEMBER.' }),
      message: z.string().meta({ description: 'The words of the one catalogue, as the CLI says them.' }),
      details: z.record(z.string(), z.unknown()),
      fields: z.array(z.strictObject({ path: z.string(), message: z.string() })).meta({ description: 'Every wrong field, by its path in the body (query.X for a query parameter).' }),
    }),
  })
  .meta({
    examples: [
      {
        error: {
          code: 'API_INVALID_REQUEST',
          message: 'the request has 1 invalid field: ipv4: not an IPv4 address like 192.0.2.10',
          details: {},
          fields: [{ path: 'ipv4', message: 'not an IPv4 address like 192.0.2.10' }],
        },
      },
    ],
  });

// ---- members

const MEMBER_EXAMPLE = {
  username: 'alice',
  status: 'active',
  suspended_reason: null,
  suspension_kind: null,
  suspended_at: null,
  plan: 'fibre-100',
  ipv4: '192.0.2.10',
  ipv6_prefix: '2001:db8:1200::/56',
  max_sessions: 1,
  paid_until: '2026-12-31',
  line: null,
  auth: ['pap', 'chap', 'mschapv1', 'mschapv2'],
  serves: ['pap', 'chap', 'mschapv1', 'mschapv2'],
  credential: 'cleartext',
  created_at: '2026-11-02T10:00:00.000Z',
  updated_at: '2026-11-02T10:00:00.000Z',
};

export const MemberSchema = z
  .strictObject({
    username: z.string(),
    status: z.enum(['active', 'suspended']),
    suspended_reason: z.string().nullable(),
    suspension_kind: z.enum(['manual', 'dues']).nullable(),
    suspended_at: TIME.nullable(),
    plan: z.string().nullable(),
    ipv4: z.string().nullable(),
    ipv6_prefix: z.string().nullable(),
    max_sessions: z.int().nullable(),
    paid_until: z.string().nullable(),
    line: z.string().nullable().meta({ description: 'The access line (RFC 4679 Agent-Circuit-Id / Agent-Remote-Id, or NAS-Port-Id) the member is bound to.' }),
    auth: z.array(AUTH_METHOD),
    serves: z.array(AUTH_METHOD).meta({ description: 'Methods the stored credential can check.' }),
    credential: z.enum(['cleartext', 'nt-hash', 'strong-hash', 'legacy-hash', 'none']),
    reply_attributes: z
      .array(ATTRIBUTE)
      .optional()
      .meta({ description: "The member's own reply attributes (from `import freeradius`, or set by PATCH), sent after the plan's; a password such as Tunnel-Password shows as [redacted]; absent when none." }),
    created_at: TIME,
    updated_at: TIME,
  })
  .meta({ examples: [MEMBER_EXAMPLE] });

/** A listing's page size and where it resumes (the API's keyset pages). */
const PAGE_LIMIT = z.string().regex(/^\d{1,4}$/, { error: 'a whole number from 1 to 1000' }).optional().meta({ description: 'Page size, 1 to 1000 (default 100).' });
const PAGE_CURSOR = z.string().max(2000).optional().meta({ description: 'next_cursor of the previous page.' });

export const MemberListQuery = z.strictObject({
  status: z.enum(['active', 'suspended']).optional(),
  plan: z.string().min(1).optional(),
  lapsing_within: z
    .string()
    .regex(/^\d{1,5}$/, { error: 'a whole number of days, e.g. 30' })
    .optional()
    .meta({ description: 'Only active members whose paid-until falls within this many days (or already in grace).' }),
  q: z.string().min(1).max(253).optional().meta({ description: 'Usernames starting with this text (exactly, fast at any size).' }),
  contains: z.string().min(1).max(253).optional().meta({ description: 'Usernames containing this text, any case (a scan: slower on large tenants).' }),
  address: z
    .string()
    .min(1)
    .max(60)
    .optional()
    .meta({
      description:
        'A framed address: members whose IPv4 address or IPv6 prefix starts with this text as written (192.0.2.1 finds 192.0.2.1 and 192.0.2.10-19; with a colon, IPv6); a whole IPv6 address or block finds the prefixes holding it or within it, an IPv4 block (192.0.2.0/24) the addresses in it.',
      examples: ['192.0.2.1'],
    }),
  line: z.string().min(1).max(253).optional().meta({ description: 'Access lines (Agent-Circuit-Id, Agent-Remote-Id or NAS-Port-Id) starting with this text, exactly.' }),
  limit: PAGE_LIMIT,
  cursor: PAGE_CURSOR,
});

export const MemberPageSchema = z
  .strictObject({ members: z.array(MemberSchema), next_cursor: z.string().nullable() })
  .meta({ examples: [{ members: [MEMBER_EXAMPLE], next_cursor: 'eyJ1IjoiYWxpY2UifQ' }] });

const MEMBER_FIELDS = {
  plan: z.string().min(1).nullable().optional(),
  ipv4: IPV4.nullable().optional(),
  ipv6_prefix: IPV6_PREFIX.nullable().optional(),
  max_sessions: MAX_SESSIONS.nullable().optional(),
  paid_until: DATE.nullable().optional(),
  line: z.string().min(1).max(253).nullable().optional(),
};

export const MemberCreateBody = z
  .strictObject({ username: USERNAME, password: PASSWORD, auth: AUTH.optional(), ...MEMBER_FIELDS })
  .meta({ examples: [{ username: 'alice', password: 's3cret-pass', plan: 'fibre-100', ipv4: '192.0.2.10', paid_until: '2026-12-31' }] });

export const MemberPatchBody = z
  .strictObject({
    auth: AUTH.optional(),
    ...MEMBER_FIELDS,
    reply_attributes: z
      .array(ATTRIBUTE)
      .max(100)
      .nullable()
      .optional()
      .meta({ description: "The member's own reply attributes, sent after its plan's (checked against the dictionaries), replacing those it has; null or [] clears them." }),
  })
  .meta({ description: 'Fields to change; null clears one. A treasurer may change paid_until alone.', examples: [{ paid_until: '2027-12-31' }, { reply_attributes: [{ name: 'Framed-Route', value: '192.0.2.64/29' }] }] });

const ATTEMPT = z.strictObject({
  nas: z.string(),
  acct_session_id: z.string(),
  unique_id: z.string(),
  kind: z.enum(['disconnect', 'coa']),
  outcome: z.enum(['ack', 'nak', 'timeout', 'error']),
  error_cause: z.int().nullable(),
  attempts: z.int(),
  ms: z.number(),
  detail: z.string().nullable(),
});
const ATTEMPT_EXAMPLE = {
  nas: 'bras1',
  acct_session_id: '0A1B2C3D',
  unique_id: '5f2c9a0e1d7b4c3a',
  kind: 'disconnect',
  outcome: 'ack',
  error_cause: null,
  attempts: 1,
  ms: 12,
  detail: null,
};

export const MemberChangeSchema = z
  .strictObject({
    member: MemberSchema,
    follow: z.strictObject({
      resumed: z.boolean().meta({ description: 'A dues suspension lifted by the new paid-until.' }),
      still_lapsed: z.boolean(),
      pushed: z.array(ATTEMPT).meta({ description: 'CoA or Disconnect sent to live sessions for a plan or address change.' }),
      sessions_error: z.string().nullable(),
    }),
  })
  .meta({ examples: [{ member: { ...MEMBER_EXAMPLE, paid_until: '2027-12-31' }, follow: { resumed: false, still_lapsed: false, pushed: [], sessions_error: null } }] });

export const PasswdBody = z
  .strictObject({ password: PASSWORD, auth: AUTH.optional() })
  .meta({ examples: [{ password: 'n3w-s3cret-pass' }] });

export const SuspendBody = z
  .strictObject({
    reason: z
      .string()
      .trim()
      .min(1, { error: 'say why, e.g. "dues unpaid since March"' })
      .max(REASON_MAX, { error: `a reason is at most ${REASON_MAX} characters` }),
  })
  .meta({ examples: [{ reason: 'asked to pause' }] });

export const SuspendResultSchema = z
  .strictObject({ member: MemberSchema, changed: z.boolean(), disconnects: z.array(ATTEMPT), sessions_error: z.string().nullable() })
  .meta({
    examples: [
      {
        member: { ...MEMBER_EXAMPLE, status: 'suspended', suspended_reason: 'asked to pause', suspension_kind: 'manual', suspended_at: '2026-11-03T09:00:00.000Z' },
        changed: true,
        disconnects: [ATTEMPT_EXAMPLE],
        sessions_error: null,
      },
    ],
  });

export const EmptyBody = z.strictObject({}).meta({ examples: [{}] });

export const ResumeResultSchema = z
  .strictObject({ member: MemberSchema, changed: z.boolean(), pushed: z.array(ATTEMPT), sessions_error: z.string().nullable() })
  .meta({ examples: [{ member: MEMBER_EXAMPLE, changed: true, pushed: [], sessions_error: null }] });

export const RemovedSchema = z.strictObject({ removed: z.string() }).meta({ examples: [{ removed: 'alice' }] });

/**
 * An import row: types only (values are the member service's), applied field
 * by field by the route's reader (routes/import-rows.ts) so that an unknown
 * field or a wrong type is a fault of its row, listed with every other fault
 * of every row.
 */
export const ImportRowSchema = z.strictObject({
  username: z.string(),
  password: z.string().meta({ writeOnly: true }),
  auth: z.union([z.literal('all'), z.array(z.string())]).optional(),
  plan: z.string().nullable().optional(),
  ipv4: z.string().nullable().optional(),
  ipv6_prefix: z.string().nullable().optional(),
  max_sessions: z.number().nullable().optional(),
  paid_until: z.string().nullable().optional(),
});

/** What the body's rows are parsed as: any object, for the reader to check; documented as ImportRowSchema, which it applies. */
const IMPORT_ROW = z.looseObject({}).meta(documentedAs(ImportRowSchema));

export const ImportBody = z
  .strictObject({
    members: z.array(IMPORT_ROW).min(1, { error: 'give at least one member' }).max(200_000),
    source: z.string().min(1).max(200).optional().meta({ description: 'What is imported, for the audit log (default "api").' }),
    dry_run: z.boolean().optional().meta({ description: 'Check everything, the database included, and write nothing: the same refusal, or would_import.' }),
  })
  .meta({
    description: 'All or none: a refusal (IMPORT_FAILED) lists every faulty row with every fault on it, unknown fields and wrong types included (fields: members.<index>.<field>; the message counts rows from 1).',
    examples: [{ members: [{ username: 'bob', password: 's3cret-bob', plan: 'fibre-100', paid_until: '2027-01-31' }], source: 'members-2026-11.csv' }],
  });

export const ImportResultSchema = z
  .strictObject({ imported: z.int(), dry_run: z.boolean().optional(), would_import: z.int().optional() })
  .meta({ examples: [{ imported: 1 }, { imported: 0, dry_run: true, would_import: 1 }] });

const SHA256 = z.string().regex(/^[0-9a-f]{64}$/, { error: 'the sha256 a dry run answered: 64 hexadecimal digits' });

export const CsvImportBody = z
  .strictObject({
    csv: z.string().min(1, { error: 'the file is empty' }).meta({ description: 'The file as `radassoc member import` reads it: header username,password[,plan,ipv4,ipv6_prefix,max_sessions,paid_until,auth,line].' }),
    source: z.string().min(1).max(200).optional().meta({ description: 'The file\'s name, for the audit log (default "api").' }),
    dry_run: z.boolean().optional().meta({ description: 'Check everything and write nothing: the faults, or what would be imported with the file\'s sha256.' }),
    expect_sha256: SHA256.optional().meta({ description: 'The sha256 of the file previewed: refused if this one differs, so that exactly what was previewed is imported.' }),
  })
  .meta({
    description: 'All or none, as the command line: a refusal (IMPORT_FAILED) lists every faulty line of the file by its number (fields: csv.<line>; details.faults: each line with every problem on it).',
    examples: [{ csv: 'username,password,plan\nbob,s3cret-bob,fibre-100\n', source: 'members-2026-11.csv', dry_run: true }],
  });

const PREVIEW_ROW = z.strictObject({
  line: z.int(),
  username: z.string(),
  plan: z.string().nullable(),
  ipv4: z.string().nullable(),
  ipv6_prefix: z.string().nullable(),
  max_sessions: z.int().nullable(),
  paid_until: z.string().nullable(),
  line_id: z.string().nullable(),
  auth: z.array(z.string()),
});

export const CsvImportResultSchema = z
  .strictObject({
    imported: z.int(),
    dry_run: z.boolean(),
    would_import: z.int().optional(),
    sha256: z.string().meta({ description: 'Of the file as received (UTF-8): give it back as expect_sha256 to import exactly this file.' }),
    preview: z.array(PREVIEW_ROW).meta({ description: 'A dry run: the first 100 members it would add (never their passwords).' }),
  })
  .meta({
    examples: [
      {
        imported: 0,
        dry_run: true,
        would_import: 1,
        sha256: 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c',
        preview: [{ line: 2, username: 'bob', plan: 'fibre-100', ipv4: null, ipv6_prefix: null, max_sessions: null, paid_until: null, line_id: null, auth: ['pap', 'chap', 'mschapv1', 'mschapv2'] }],
      },
    ],
  });

export const DiagnosisSchema = z
  .looseObject({
    username: z.string(),
    at: TIME,
    found: z.boolean(),
    status: z.enum(['active', 'suspended', 'unknown']),
    summary: z.array(z.string()),
    member: z.looseObject({}).nullable(),
    dues: z.looseObject({ paidUntil: z.string().nullable(), state: z.enum(['untracked', 'paid', 'grace', 'lapsed']) }),
    logins: z.array(z.looseObject({})),
    liveSessions: z.array(z.looseObject({})).nullable(),
  })
  .meta({
    description: 'What `radassoc diagnose` shows, as data: the summary first.',
    examples: [
      {
        username: 'alice',
        at: '2026-11-03T09:00:00.000Z',
        found: true,
        status: 'active',
        summary: ['alice is active and can log in.'],
        member: { plan: 'fibre-100', ipv4: null },
        dues: { paidUntil: '2026-12-31', state: 'paid', suspendsOn: '2027-01-08', graceDays: 7 },
        logins: [],
        liveSessions: [],
        liveSessionsError: null,
        finishedSessions: [],
      },
    ],
  });

// ---- plans

const PLAN_EXAMPLE = { name: 'fibre-100', attributes: [{ name: 'Session-Timeout', value: '86400' }], created_at: '2026-11-02T10:00:00.000Z', updated_at: '2026-11-02T10:00:00.000Z' };

export const PlanSchema = z
  .strictObject({ name: z.string(), attributes: z.array(ATTRIBUTE), created_at: TIME, updated_at: TIME })
  .meta({ examples: [PLAN_EXAMPLE] });
export const PlanListSchema = z.strictObject({ plans: z.array(PlanSchema) }).meta({ examples: [{ plans: [PLAN_EXAMPLE] }] });
export const PlanCreateBody = z
  .strictObject({ name: NAME, attributes: z.array(ATTRIBUTE).max(200).default([]) })
  .meta({ description: 'Reply attributes are checked against the dictionaries: a value they refuse is 422.', examples: [{ name: 'fibre-100', attributes: [{ name: 'Session-Timeout', value: '86400' }] }] });
export const PlanUpdateBody = z
  .strictObject({ attributes: z.array(ATTRIBUTE).max(200) })
  .meta({ description: 'Replaces every attribute ([] clears them).', examples: [{ attributes: [{ name: 'Mikrotik-Rate-Limit', value: '100M/100M' }] }] });

// ---- NAS

const NAS_EXAMPLE = {
  name: 'bras1',
  address: '192.0.2.1',
  secret_length: 44,
  coa_port: 3799,
  require_message_authenticator: true,
  disconnect_profile: 'generic',
  supports_coa: false,
  created_at: '2026-11-02T10:00:00.000Z',
};

export const NasSchema = z
  .strictObject({
    name: z.string(),
    address: z.string(),
    secret_length: z.int().meta({ description: 'The shared secret is write-only: its length stands in for it.' }),
    coa_port: z.int(),
    require_message_authenticator: z.boolean(),
    disconnect_profile: z.enum(DISCONNECT_PROFILES as unknown as [string, ...string[]]),
    supports_coa: z.boolean(),
    created_at: TIME,
  })
  .meta({ examples: [NAS_EXAMPLE] });
export const NasListSchema = z.strictObject({ nas: z.array(NasSchema) }).meta({ examples: [{ nas: [NAS_EXAMPLE] }] });
export const NasCreateBody = z
  .strictObject({
    name: NAME,
    address: CIDR,
    secret: z.string().min(1, { error: 'the shared secret cannot be empty' }).max(1024).meta({ writeOnly: true, description: 'Write-only: never returned.' }),
    coa_port: z.int().min(1).max(65535).optional(),
    require_message_authenticator: z.boolean().optional(),
    disconnect_profile: z.enum(DISCONNECT_PROFILES as unknown as [string, ...string[]]).optional(),
    supports_coa: z.boolean().optional(),
  })
  .meta({ examples: [{ name: 'bras1', address: '192.0.2.1', secret: 'a-long-random-secret-of-32-octets-or-more' }] });
export const NasCreatedSchema = z
  .strictObject({ nas: NasSchema, warnings: z.array(z.strictObject({ code: z.string(), text: z.string() })) })
  .meta({ examples: [{ nas: NAS_EXAMPLE, warnings: [] }] });

// ---- sessions, disconnect

const SESSION_EXAMPLE = {
  unique_id: '5f2c9a0e1d7b4c3a',
  nas: 'bras1',
  acct_session_id: '0A1B2C3D',
  username: 'alice',
  framed_ip: '192.0.2.10',
  calling_station_id: '00-11-22-33-44-55',
  nas_port_id: null,
  start_time: '2026-11-03T08:00:00.000Z',
  last_update: '2026-11-03T08:55:00.000Z',
  seconds: 3600,
  input_octets: 1048576,
  output_octets: 8388608,
};

export const SessionListQuery = z.strictObject({ username: z.string().min(1).optional(), nas: z.string().min(1).optional(), limit: PAGE_LIMIT, cursor: PAGE_CURSOR });
export const SessionListSchema = z
  .strictObject({
    sessions: z.array(
      z.strictObject({
        unique_id: z.string(),
        nas: z.string(),
        acct_session_id: z.string(),
        username: z.string(),
        framed_ip: z.string().nullable(),
        calling_station_id: z.string().nullable(),
        nas_port_id: z.string().nullable(),
        start_time: TIME,
        last_update: TIME,
        seconds: z.int(),
        input_octets: z.number(),
        output_octets: z.number(),
      }),
    ),
    open: z.int().meta({ description: 'Open sessions matching the filter, on every page together.' }),
    next_cursor: z.string().nullable(),
  })
  .meta({ examples: [{ sessions: [SESSION_EXAMPLE], open: 1, next_cursor: null }] });

export const DisconnectBody = z
  .strictObject({
    username: z.string().min(1).optional(),
    session: z.string().min(1).optional().meta({ description: 'Our unique id or the NAS\'s Acct-Session-Id.' }),
    nas: z
      .string()
      .min(1)
      .optional()
      .meta({
        description:
          "Only sessions on this NAS (by name; one the tenant does not have is 404 UNKNOWN_NAS): with username, the member's sessions there; with session, the one there when several NAS use the same Acct-Session-Id.",
      }),
    reason: z.string().min(1).max(REASON_MAX).optional(),
  })
  .refine((b) => (b.username === undefined) !== (b.session === undefined), { error: 'name either a member (username) or one session (session), not both', path: ['username'] })
  .meta({ examples: [{ username: 'alice', reason: 'line reset requested' }] });
export const DisconnectResultSchema = z
  .strictObject({ username: z.string(), reason: z.string(), disconnects: z.array(ATTEMPT), unconfirmed: z.int() })
  .meta({ examples: [{ username: 'alice', reason: 'line reset requested', disconnects: [ATTEMPT_EXAMPLE], unconfirmed: 0 }] });

// ---- usage, dues, audit

export const UsageQuery = z.strictObject({
  from: DATE,
  to: DATE,
  format: z.enum(['csv', 'json']).optional().meta({ description: 'csv (default) or json.' }),
  detail: z.enum(['true', 'false']).optional().meta({ description: 'One row per session instead of per member.' }),
});
export const UsageJsonSchema = z
  .strictObject({ detail: z.boolean(), columns: z.array(z.string()), rows: z.array(z.record(z.string(), z.unknown())) })
  .meta({
    examples: [
      {
        detail: false,
        columns: ['username', 'sessions', 'seconds', 'input_octets', 'output_octets'],
        rows: [{ username: 'alice', sessions: 3, seconds: 7200, input_octets: 1048576, output_octets: 8388608 }],
      },
    ],
  });
export const USAGE_CSV_EXAMPLE = 'username,sessions,seconds,input_octets,output_octets\nalice,3,7200,1048576,8388608\n';

export const DuesRunBody = z
  .strictObject({ dry_run: z.boolean().optional(), today: DATE.optional().meta({ description: 'Act as if on this day (default: today, UTC).' }) })
  .meta({ examples: [{ dry_run: true }] });
export const DuesRunSchema = z
  .strictObject({
    today: z.string(),
    grace_days: z.int(),
    dry_run: z.boolean(),
    lapsed: z.array(z.strictObject({ username: z.string(), paid_until: z.string(), suspends_on: z.string() })),
    suspended: z.array(z.strictObject({ username: z.string(), changed: z.boolean(), disconnects: z.array(ATTEMPT), sessions_error: z.string().nullable() })),
  })
  .meta({ examples: [{ today: '2026-11-03', grace_days: 7, dry_run: true, lapsed: [{ username: 'bob', paid_until: '2026-10-15', suspends_on: '2026-10-23' }], suspended: [] }] });

export const AuditQuery = z.strictObject({
  username: z.string().min(1).optional(),
  target: z.string().min(1).optional().meta({ description: 'e.g. plan:fibre-100 or nas:bras1.' }),
  limit: z.string().regex(/^\d{1,4}$/, { error: 'a whole number from 1 to 1000' }).optional(),
  cursor: z.string().max(200).optional(),
});
export const AuditPageSchema = z
  .strictObject({
    entries: z.array(z.strictObject({ id: z.int(), time: TIME, actor: z.string(), action: z.string(), target: z.string(), before: z.unknown(), after: z.unknown() })),
    next_cursor: z.string().nullable(),
  })
  .meta({
    examples: [
      {
        entries: [{ id: 42, time: '2026-11-03T09:00:00.000Z', actor: 'token:member-sync', action: 'member.suspend', target: 'member:alice', before: { status: 'active' }, after: { status: 'suspended' } }],
        next_cursor: 'NDI',
      },
    ],
  });

// ---- login

export const LoginBody = z
  .strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024).meta({ writeOnly: true }) })
  .meta({ examples: [{ username: 'claire', password: 'a-long-admin-passphrase' }] });

const ADMIN = z.strictObject({
  username: z.string(),
  operator: z.boolean(),
  roles: z.array(z.strictObject({ tenant: z.string(), role: z.enum(['admin', 'treasurer', 'support', 'requisition']) })),
  created_at: TIME,
});
const ADMIN_EXAMPLE = { username: 'claire', operator: false, roles: [{ tenant: 'default', role: 'treasurer' }], created_at: '2026-11-01T10:00:00.000Z' };

export const LoginResultSchema = z
  .strictObject({ token: z.string().meta({ description: 'Send as Authorization: Bearer <token>; shown once.' }), expires_at: TIME, admin: ADMIN })
  .meta({ examples: [{ token: 'rds_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG', expires_at: '2026-11-03T21:00:00.000Z', admin: ADMIN_EXAMPLE }] });
export const LogoutSchema = z.strictObject({ logged_out: z.boolean() }).meta({ examples: [{ logged_out: true }] });
export const WhoamiSchema = z
  .strictObject({
    actor: z.string(),
    kind: z.enum(['admin', 'token']),
    operator: z.boolean(),
    roles: z.array(z.strictObject({ tenant: z.string(), role: z.enum(['admin', 'treasurer', 'support', 'requisition']) })),
  })
  .meta({ examples: [{ actor: 'token:member-sync', kind: 'token', operator: false, roles: [{ tenant: 'default', role: 'admin' }] }] });

/** Every route's tenant choice: the operator's (or a many-tenant admin's) ?tenant=NAME. */
export const TENANT_PARAM = z.string().min(1).max(63).optional().meta({ description: 'The tenant to act in: needed by an operator on a deployment of several tenants; others act in their own.' });

// ---- usage over time (the console's graphs)

export const UsageSeriesSchema = z
  .strictObject({
    range: z.enum(['24h', '30d', '12m', 'month']),
    unit: z.enum(['hour', 'day', 'month']),
    from: TIME,
    to: TIME,
    buckets: z.array(
      z.strictObject({
        start: TIME.meta({ description: "The bucket's start, UTC; it ends where the next begins (the last at `to`)." }),
        input_octets: z.int().meta({ description: 'From the members (upload), 64-bit with Gigawords.' }),
        output_octets: z.int().meta({ description: 'To the members (download).' }),
        seconds: z.int(),
      }),
    ),
  })
  .meta({
    description:
      "Usage as flushed to PostgreSQL, split at the buckets' edges as the billing export splits a session at a period's: linearly between the two records around an edge (start, interim snapshots, stop), so a bucket is right to within one interim interval. Usage of the last minute (not yet flushed) is not there.",
    examples: [
      {
        range: '24h',
        unit: 'hour',
        from: '2026-11-29T11:00:00.000Z',
        to: '2026-11-30T11:00:00.000Z',
        buckets: [{ start: '2026-11-29T11:00:00.000Z', input_octets: 150000000, output_octets: 2500000000, seconds: 5400 }],
      },
    ],
  });

export const TrafficQuery = z.strictObject({ range: z.enum(['24h', '30d'], { error: '24h (by hour) or 30d (by day)' }).optional().meta({ description: '24h by hour (default) or 30d by day.' }) });
export const MemberUsageQuery = z.strictObject({
  range: z.enum(['12m', 'month'], { error: '12m (by month) or month (by day)' }).optional().meta({ description: '12m: by month over the last 12 months (default); month: by day this month.' }),
});
