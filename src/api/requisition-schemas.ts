/** The requisition routes' zod schemas (routes/requisitions.ts), with the examples /api/openapi.json shows. */
import { z } from 'zod';
import { TENANT_PARAM } from './schemas.js';

const TIME_PAIR = z.strictObject({ utc: z.string(), local: z.string() });

export const RequisitionQuery = z.strictObject({
  tenant: TENANT_PARAM.meta({ description: 'Answer within this tenant alone; an operator without it answers across the deployment.' }),
});

export const RequisitionLookupBody = z
  .strictObject({
    ip: z.string().min(1).max(64).meta({ description: 'The IPv4 or IPv6 address asked about.' }),
    at: z.string().min(1).max(64).meta({ description: 'The instant, ISO 8601 with its offset or Z (a time without zone is refused).' }),
    port: z.int().min(0).max(65535).optional().meta({ description: 'Only sessions on this NAS-Port; CGNAT source-port ranges are not recorded.' }),
    ref: z.string().min(1).max(200).meta({ description: "The authority's reference for the request, kept in the requisition log." }),
  })
  .meta({ examples: [{ ip: '192.0.2.10', at: '2026-03-14T21:05:00+01:00', ref: 'PV 2026/042' }] });

const MATCH = z.strictObject({
  tenant: z.string().nullable(),
  username: z.string().nullable(),
  member_id: z.int().nullable(),
  nas: z.string(),
  nas_address: z.string().nullable(),
  nas_port: z.int().nullable(),
  nas_port_id: z.string().nullable(),
  line: z.string().nullable(),
  session_start: TIME_PAIR,
  session_end: TIME_PAIR.nullable(),
  matched: z.strictObject({ kind: z.enum(['framed-ip', 'framed-ipv6-prefix', 'delegated-ipv6-prefix', 'framed-interface-id']), address: z.string() }),
  at_instant: z.boolean(),
  session: z.string(),
});

export const RequisitionLookupSchema = z
  .strictObject({
    requisition_id: z.int(),
    reference: z.string(),
    scope: z.string(),
    query: z.strictObject({ ip: z.string(), at: TIME_PAIR, port: z.int().nullable() }),
    matches: z.array(MATCH),
    warnings: z.array(z.string()),
  })
  .meta({
    examples: [
      {
        requisition_id: 12,
        reference: 'PV 2026/042',
        scope: 'default',
        query: { ip: '192.0.2.10', at: { utc: '2026-03-14T20:05:00.000Z', local: '2026-03-14T21:05:00.000+01:00' }, port: null },
        matches: [
          {
            tenant: 'default',
            username: 'alice',
            member_id: 3,
            nas: 'bras1',
            nas_address: '192.0.2.1',
            nas_port: 12,
            nas_port_id: 'eth0.100',
            line: 'FTTH-0042',
            session_start: { utc: '2026-03-14T18:00:00.000Z', local: '2026-03-14T19:00:00.000+01:00' },
            session_end: null,
            matched: { kind: 'framed-ip', address: '192.0.2.10/32' },
            at_instant: true,
            session: '5f1c9a0e4b7d3a2c8e6f0b1d2a3c4e5f',
          },
        ],
        warnings: [],
      },
    ],
  });

export const RequisitionReportQuery = z.strictObject({
  year: z.string().regex(/^\d{4}$/, { error: 'a year, e.g. 2026' }).meta({ description: 'The calendar year (UTC).' }),
  tenant: TENANT_PARAM.meta({ description: 'Count within this tenant alone; an operator without it counts the whole deployment.' }),
});

const COUNTS = {
  requisitions: z.int(),
  with_result: z.int(),
  without_result: z.int(),
  failed: z.int().meta({ description: 'Of those without a result, the lookups that could not answer (register rows sealed with another key); recorded all the same.' }),
};

export const RequisitionReportSchema = z
  .strictObject({
    year: z.int(),
    scope: z.string(),
    ...COUNTS,
    per_month: z.array(z.strictObject({ month: z.string(), ...COUNTS })),
    per_tenant: z.array(z.strictObject({ tenant: z.string(), ...COUNTS })),
  })
  .meta({
    examples: [
      {
        year: 2026,
        scope: 'default',
        requisitions: 3,
        with_result: 2,
        without_result: 1,
        failed: 0,
        per_month: [{ month: '2026-01', requisitions: 1, with_result: 1, without_result: 0, failed: 0 }],
        per_tenant: [{ tenant: 'default', requisitions: 3, with_result: 2, without_result: 1, failed: 0 }],
      },
    ],
  });
