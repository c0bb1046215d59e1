/**
 * Bodies of the privacy routes (GET /api/v1/members/{username}/data, the
 * removal's erasure counts), with their examples for /api/openapi.json. The
 * section names are those of `radassoc member data` (docs/privacy.md).
 */
import { z } from 'zod';
import { MemberSchema, RemovedSchema } from './schemas.js';

const TIME = z.string().meta({ format: 'date-time' });
const JSON_VALUE = z.unknown().meta({ description: 'A JSON snapshot, secrets redacted when it was written.' });
const COUNT = z.int();

const ATTRIBUTE = z.strictObject({ name: z.string(), value: z.string() });

const MEMBER_DATA_EXAMPLE = {
  username: 'alice',
  tenant: 'asso-a',
  generated_at: '2026-12-02T10:00:00.000Z',
  account: {
    username: 'alice',
    status: 'active',
    suspended_reason: null,
    suspension_kind: null,
    suspended_at: null,
    plan: 'fibre-100',
    ipv4: null,
    ipv6_prefix: null,
    max_sessions: 1,
    paid_until: '2026-12-31',
    line: null,
    auth: ['pap'],
    serves: ['pap'],
    credential: 'strong-hash',
    created_at: '2026-01-05T09:00:00.000Z',
    updated_at: '2026-11-02T10:00:00.000Z',
  },
  plan: { name: 'fibre-100', attributes: [{ name: 'Session-Timeout', value: '86400' }] },
  sessions: [
    {
      unique_id: '7c4d0a3e9f1b2c6d5e8f7a6b5c4d3e2f',
      nas: 'bras1',
      acct_session_id: '81000001',
      start: '2026-11-30T21:00:00.000Z',
      stop: '2026-12-01T07:00:00.000Z',
      last_update: '2026-12-01T07:00:00.000Z',
      seconds: 36000,
      input_octets: 1200000000,
      output_octets: 98000000,
      input_packets: 900000,
      output_packets: 400000,
      terminate_cause: 'User-Request',
      framed_ip: '192.0.2.10',
      calling_station_id: null,
      nas_port_id: null,
      class_hex: null,
    },
  ],
  monthly_totals: [{ month: '2025-10', sessions: 31, seconds: 2678400, input_octets: 51000000000, output_octets: 4000000000 }],
  authentication_attempts: [{ time: '2026-11-30T21:00:00.000Z', nas: 'bras1', method: 'pap', result: 'accept', reason: null, calling_station_id: '00-11-22-33-44-55' }],
  audit_entries: [
    { time: '2026-11-02T10:00:00.000Z', actor: 'api:claire', action: 'member.set', target: 'member:alice', before: { paid_until: '2026-11-30' }, after: { paid_until: '2026-12-31' } },
  ],
  disconnects: [],
  member_space_logins: [{ created_at: '2026-11-20T18:00:00.000Z', expires_at: '2026-11-21T06:00:00.000Z', revoked_at: null }],
};

export const MemberDataSchema = z
  .strictObject({
    username: z.string(),
    tenant: z.string(),
    generated_at: TIME,
    account: MemberSchema.nullable().meta({ description: 'The member record, without its credential; null once the member was removed.' }),
    plan: z.strictObject({ name: z.string(), attributes: z.array(ATTRIBUTE) }).nullable(),
    sessions: z.array(
      z.strictObject({
        unique_id: z.string(),
        nas: z.string(),
        acct_session_id: z.string(),
        start: TIME,
        stop: TIME.nullable(),
        last_update: TIME,
        seconds: COUNT,
        input_octets: COUNT,
        output_octets: COUNT,
        input_packets: COUNT,
        output_packets: COUNT,
        terminate_cause: z.string().nullable(),
        framed_ip: z.string().nullable(),
        calling_station_id: z.string().nullable(),
        nas_port_id: z.string().nullable(),
        class_hex: z.string().nullable(),
      }),
    ).meta({ description: 'Usage detail still held (usage_sessions): older months are in monthly_totals.' }),
    monthly_totals: z.array(
      z.strictObject({ month: z.string().meta({ examples: ['2025-10'] }), sessions: COUNT, seconds: COUNT, input_octets: COUNT, output_octets: COUNT }),
    ),
    authentication_attempts: z.array(
      z.strictObject({
        time: TIME,
        nas: z.string(),
        method: z.string(),
        result: z.string(),
        reason: z.string().nullable(),
        calling_station_id: z.string().nullable(),
      }),
    ),
    audit_entries: z.array(z.strictObject({ time: TIME, actor: z.string(), action: z.string(), target: z.string(), before: JSON_VALUE, after: JSON_VALUE })),
    disconnects: z.array(
      z.strictObject({
        time: TIME,
        nas: z.string(),
        kind: z.string(),
        outcome: z.string(),
        acct_session_id: z.string().nullable(),
        reason: z.string().nullable(),
        actor: z.string(),
      }),
    ),
    member_space_logins: z.array(z.strictObject({ created_at: TIME, expires_at: TIME, revoked_at: TIME.nullable() })),
  })
  .meta({ examples: [MEMBER_DATA_EXAMPLE] });

export const MemberRemovedSchema = RemovedSchema.extend({
  erased: z
    .strictObject({ auth_log: COUNT, disconnect_log: COUNT, identifiers: COUNT })
    .meta({ description: 'Deleted with the member: authentication attempts, disconnect log rows, and ended sessions whose NAS identifiers were cleared. Usage stays for billing.' }),
}).meta({ examples: [{ removed: 'alice', erased: { auth_log: 12, disconnect_log: 1, identifiers: 30 } }] });
