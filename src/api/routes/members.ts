/** /api/v1/members: the member services (services/members.ts, lifecycle.ts, diagnose.ts), one call per route. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { checkMemberCsv } from '../../services/member-csv-reader.js';
import { fail } from '../../errors.js';
import { addDays, utcDate } from '../../lifecycle/days.js';
import { diagnoseMember } from '../../services/diagnose.js';
import { resume, suspend } from '../../services/lifecycle.js';
import { addMember, importMembers, pageMembers, passwdMember, removeMember, setMember, showMember } from '../../services/members.js';
import { memberDataOf } from '../../services/member-data.js';
import { memberUsage } from '../../services/usage.js';
import { MemberDataSchema, MemberRemovedSchema } from '../privacy-schemas.js';
import { memberFound } from '../found.js';
import { Answer, route, type RouteDef } from '../route.js';
import { seriesView } from './dashboard.js';
import { readImportRows } from './import-rows.js';
import {
  CsvImportBody,
  CsvImportResultSchema,
  DiagnosisSchema,
  EmptyBody,
  ImportBody,
  ImportResultSchema,
  MemberChangeSchema,
  MemberCreateBody,
  MemberListQuery,
  MemberPageSchema,
  MemberPatchBody,
  MemberSchema,
  MemberUsageQuery,
  PasswdBody,
  ResumeResultSchema,
  SuspendBody,
  SuspendResultSchema,
  UsageSeriesSchema,
} from '../schemas.js';
import { authMethods, decodeMemberCursor, encodeMemberCursor, followResult, memberFields, pageSize, resumeResult, suspendResult } from './views.js';

const USER = z.strictObject({ username: z.string().min(1) });
const MB = 1024 * 1024;

/** A PATCH that changes paid_until alone is the treasurer's; anything else needs write. */
const patchAction = (body: unknown): 'paid-until' | 'write' =>
  typeof body === 'object' && body !== null && Object.keys(body).length > 0 && Object.keys(body).every((k) => k === 'paid_until') ? 'paid-until' : 'write';

export const memberRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/api/v1/members',
    tag: 'members',
    summary: 'List members, a page at a time',
    description: 'Username order; next_cursor (null on the last page) fetches the next page with the same filters. Filters combine; q, address and line are each a range of an index (fast at any size).',
    auth: 'tenant',
    action: 'read',
    query: MemberListQuery,
    response: { status: 200, description: 'One page of members', schema: MemberPageSchema },
    async handler({ deps, scope, query }) {
      const limit = pageSize(query.limit);
      const after = query.cursor === undefined ? undefined : decodeMemberCursor(query.cursor);
      const days = query.lapsing_within === undefined ? undefined : Number(query.lapsing_within);
      const page = await pageMembers(deps, scope, {
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(query.plan !== undefined ? { plan: query.plan } : {}),
        ...(days !== undefined ? { paidBefore: addDays(utcDate(deps.now()), days + 1) } : {}),
        ...(query.q !== undefined ? { prefix: query.q } : {}),
        ...(query.contains !== undefined ? { contains: query.contains } : {}),
        ...(query.address !== undefined ? { address: query.address } : {}),
        ...(query.line !== undefined ? { line: query.line } : {}),
        ...(after !== undefined ? { after } : {}),
        limit,
      });
      return { members: page.members, next_cursor: page.last !== null ? encodeMemberCursor(page.last) : null };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/members',
    tag: 'members',
    summary: 'Add a member',
    description: 'Logins with the new member work within a second on every daemon.',
    auth: 'tenant',
    action: 'write',
    idempotent: true,
    body: MemberCreateBody,
    response: { status: 201, description: 'The member as stored (never its password)', schema: MemberSchema },
    errors: [404, 409],
    async handler({ deps, scope, body }) {
      const methods = authMethods(body.auth);
      const view = await addMember(deps, scope, {
        username: body.username,
        password: body.password,
        ...(methods !== undefined ? { authMethods: methods } : {}),
        ...memberFields(body),
      });
      return new Answer(201, view);
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/members/import',
    tag: 'members',
    summary: 'Import members: all or none',
    description: 'Every faulty row is listed with every fault on it, and nothing is imported; up to 10 MiB of JSON.',
    auth: 'tenant',
    action: 'write',
    idempotent: true,
    bodyLimit: 10 * MB,
    body: ImportBody,
    response: { status: 201, description: 'How many were imported', schema: ImportResultSchema, alternative: { status: 200, description: 'A dry run: what it would import, nothing written' } },
    errors: [413],
    async handler({ deps, scope, body }) {
      const { rows, faults } = readImportRows(body.members);
      const r = await importMembers(deps, scope, { source: body.source ?? 'api', rows, faults, ...(body.dry_run ? { dryRun: true } : {}) });
      return body.dry_run ? new Answer(200, { imported: 0, dry_run: true, would_import: r.wouldImport ?? 0 }) : new Answer(201, { imported: r.imported });
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/members/import/csv',
    tag: 'members',
    summary: 'Import members from a CSV file, as `radassoc member import`: all or none, with a dry run',
    description:
      'The file in the command line\'s format, in a JSON string. dry_run checks everything and writes nothing, answering what it would import and the file\'s sha256; an import with expect_sha256 is refused unless the file is that one. Up to 10 MiB.',
    auth: 'tenant',
    action: 'write',
    idempotent: true,
    bodyLimit: 10 * MB,
    body: CsvImportBody,
    response: {
      status: 201,
      description: 'How many were imported',
      schema: CsvImportResultSchema,
      alternative: { status: 200, description: "A dry run: what it would import, the file's sha256 and a preview; nothing written" },
    },
    errors: [413],
    async handler({ deps, scope, body }) {
      const sha256 = createHash('sha256').update(body.csv, 'utf8').digest('hex');
      if (body.expect_sha256 !== undefined && body.expect_sha256 !== sha256) {
        throw fail('API_INVALID_REQUEST', { fields: [{ path: 'expect_sha256', message: 'this file is not the one previewed: preview it again' }] });
      }
      const { rows, claims, faults } = checkMemberCsv(body.csv);
      const r = await importMembers(deps, scope, { source: body.source ?? 'api', rows, claims, faults, ...(body.dry_run ? { dryRun: true } : {}) });
      if (!body.dry_run) return new Answer(201, { imported: r.imported, dry_run: false, sha256, preview: [] });
      const preview = rows.slice(0, 100).map((m) => ({
        line: m.line,
        username: m.username,
        plan: m.plan ?? null,
        ipv4: m.ipv4 ?? null,
        ipv6_prefix: m.ipv6Prefix ?? null,
        max_sessions: m.maxSessions ?? null,
        paid_until: m.paidUntil ?? null,
        line_id: m.lineId ?? null,
        auth: [...(m.authMethods ?? [])],
      }));
      return new Answer(200, { imported: 0, dry_run: true, would_import: r.wouldImport ?? 0, sha256, preview });
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/members/:username',
    tag: 'members',
    summary: 'Show a member',
    auth: 'tenant',
    action: 'read',
    found: memberFound,
    params: USER,
    response: { status: 200, description: 'The member', schema: MemberSchema },
    errors: [404],
    handler: ({ deps, scope, params }) => showMember(deps, scope, params.username),
  }),
  route({
    method: 'PATCH',
    url: '/api/v1/members/:username',
    tag: 'members',
    summary: "Change a member's fields",
    description: 'A new paid-until may lift a dues suspension; a plan or address change reaches live sessions by CoA or Disconnect.',
    auth: 'tenant',
    action: patchAction,
    found: memberFound,
    params: USER,
    body: MemberPatchBody,
    response: { status: 200, description: 'The member as it now is, and what followed', schema: MemberChangeSchema },
    errors: [404, 409, 422],
    async handler({ deps, scope, params, body }) {
      const methods = authMethods(body.auth);
      const r = await setMember(deps, scope, {
        username: params.username,
        ...(methods !== undefined ? { authMethods: methods } : {}),
        ...(body.reply_attributes !== undefined ? { replyAttributes: body.reply_attributes } : {}),
        ...memberFields(body),
      });
      return { member: r.member, follow: followResult(r.follow) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/members/:username/passwd',
    tag: 'members',
    summary: "Set a member's password",
    auth: 'tenant',
    action: 'write',
    found: memberFound,
    params: USER,
    body: PasswdBody,
    response: { status: 200, description: 'The member', schema: MemberSchema },
    errors: [404],
    async handler({ deps, scope, params, body }) {
      const methods = authMethods(body.auth);
      return passwdMember(deps, scope, { username: params.username, password: body.password, ...(methods !== undefined ? { authMethods: methods } : {}) });
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/members/:username/suspend',
    tag: 'members',
    summary: 'Suspend a member',
    description: 'Refused at once by every daemon; live sessions are disconnected (RFC 5176).',
    auth: 'tenant',
    action: 'write',
    found: memberFound,
    params: USER,
    body: SuspendBody,
    response: { status: 200, description: 'The member and each Disconnect-Request sent', schema: SuspendResultSchema },
    errors: [404],
    async handler({ deps, scope, params, body }) {
      return suspendResult(await suspend(deps, scope, { username: params.username, reason: body.reason }));
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/members/:username/resume',
    tag: 'members',
    summary: 'Resume a suspended member',
    auth: 'tenant',
    action: 'write',
    found: memberFound,
    params: USER,
    body: EmptyBody,
    response: { status: 200, description: 'The member', schema: ResumeResultSchema },
    errors: [404],
    async handler({ deps, scope, params }) {
      return resumeResult(await resume(deps, scope, { username: params.username }));
    },
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/members/:username',
    tag: 'members',
    summary: 'Remove a member (its usage stays for billing; its authentication and disconnect logs go)',
    auth: 'tenant',
    action: 'write',
    found: memberFound,
    params: USER,
    response: { status: 200, description: 'Removed, and what was deleted with it', schema: MemberRemovedSchema },
    errors: [404],
    handler: ({ deps, scope, params }) => removeMember(deps, scope, params.username),
  }),
  route({
    method: 'GET',
    url: '/api/v1/members/:username/data',
    tag: 'members',
    summary: 'Everything held about a member',
    description: 'As `radassoc member data`: the account (never its credential), plan, sessions, monthly totals, authentication attempts, audit entries, disconnects and member-space logins. Admin and operator only.',
    auth: 'tenant',
    action: 'member-data',
    found: memberFound,
    params: USER,
    response: { status: 200, description: 'The member\'s data, one section per kind', schema: MemberDataSchema },
    errors: [404],
    handler: ({ deps, scope, params }) => memberDataOf(deps, scope, params.username),
  }),
  route({
    method: 'GET',
    url: '/api/v1/members/:username/diagnose',
    tag: 'members',
    summary: '"My line does not work": why',
    auth: 'tenant',
    action: 'diagnose',
    found: memberFound,
    params: USER,
    response: { status: 200, description: 'The diagnosis, summary first', schema: DiagnosisSchema },
    errors: [404],
    handler: ({ deps, scope, params }) => diagnoseMember(deps, scope, { username: params.username }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/members/:username/usage',
    tag: 'members',
    summary: "A member's usage: by month over the last 12 months, or by day this month",
    auth: 'tenant',
    action: 'read',
    found: memberFound,
    params: USER,
    query: MemberUsageQuery,
    response: { status: 200, description: 'Octets and seconds per bucket, oldest first', schema: UsageSeriesSchema },
    errors: [404],
    async handler({ deps, scope, params, query }) {
      return seriesView(await memberUsage(deps, scope, params.username, query.range ?? '12m'));
    },
  }),
];
