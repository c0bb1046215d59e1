/**
 * The console's admin pages under /console. Each handler calls the HTTP
 * API's own routes in process (api-client.ts) with the admin's session
 * token: the API decides who may do what in which tenant, validates, audits
 * and refuses; the page shows the outcome in the reader's language.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { mayDo, type Action } from '../api/roles.js';
import type { ApiRole } from '../api/accounts.js';
import { DISCONNECT_PROFILES } from '../coa/profiles.js';
import { listTenantRefs } from '../db/tenants.js';
import type { Diagnosis } from '../lifecycle/diagnose.js';
import type { MemberView } from '../lifecycle/member-view.js';
import type { ServiceDeps } from '../services/deps.js';
import { apiCaller, type ApiCaller, type ApiRefusal } from './api-client.js';
import { clearCookie, COOKIES, readCookies, setCookie } from './cookies.js';
import { pathOf } from './html.js';
import { auditPage, exportPage, type AuditRow } from './pages/audit-export.js';
import { dashboardFigures, dashboardPage, type DashboardData } from './pages/dashboard.js';
import { chartData, type SeriesBody } from './pages/usage-chart.js';
import { importPage, type FaultyLine, type PreviewRow } from './pages/member-import.js';
import { PendingImports } from './pending-imports.js';
import { FILES, type MultipartForm } from './multipart.js';
import type { PageCtx } from './pages/layout.js';
import { adminLoginPage } from './pages/login.js';
import { memberPage } from './pages/member.js';
import { memberRowJson, membersPage, membersSummary, newMemberPage, type MemberFilters, type MemberForm, type MemberRow } from './pages/members.js';
import { nasPage, plansPage, type NasRow, type PlanRow } from './pages/plans-nas.js';
import { sessionsPage, type LiveSessionRow } from './pages/sessions.js';
import { baseCtx, formOf, messagePage, queryOf, safeBack, seeOther, sendPage, type Form } from './request.js';

/** How long the session cookie lives: the API's login (12 hours) ends it anyway. */
const SESSION_COOKIE_SECONDS = 12 * 3600;
const PAGE_SIZE = 50;

interface Admin {
  ctx: PageCtx;
  api: ApiCaller;
  role: ApiRole;
  may: (a: Action) => boolean;
}

export interface AdminRouteDeps {
  /** The API's server, whose routes the pages call. */
  app: FastifyInstance;
  services: ServiceDeps;
  log: Logger;
}

const tokenOf = (req: FastifyRequest): string | null => {
  const t = readCookies(req)[COOKIES.admin];
  return t !== undefined && /^rds_[A-Za-z0-9_-]{43}$/.test(t) ? t : null;
};

export function adminRoutes(scope: FastifyInstance, deps: AdminRouteDeps): void {
  const { app } = deps;

  /** The signed-in admin, or null after sending the reader to the login page. */
  async function signedIn(req: FastifyRequest, reply: FastifyReply): Promise<Admin | null> {
    const ctx = baseCtx(req, reply);
    const token = tokenOf(req);
    const who = token ? await apiCaller(app, req, token, null).call<{ actor: string; operator: boolean; roles: Array<{ tenant: string; role: ApiRole }> }>('GET', '/api/v1/whoami') : null;
    if (!token || !who || who.status !== 200) {
      if (token) clearCookie(req, reply, COOKIES.admin, '/console');
      seeOther(reply, `/console/login${who && who.status === 401 ? '?done=expired' : ''}`);
      return null;
    }
    const tenants = who.body.operator ? (await listTenantRefs(deps.services.db)).map((t) => t.name) : who.body.roles.map((r) => r.tenant);
    const wanted = readCookies(req)[COOKIES.tenant];
    const tenant = wanted !== undefined && tenants.includes(wanted) ? wanted : (tenants[0] ?? '');
    const role: ApiRole = who.body.operator ? 'operator' : (who.body.roles.find((r) => r.tenant === tenant)?.role ?? 'support');
    ctx.admin = { login: who.body.actor.replace(/^api:/, ''), role, tenant, tenants };
    const named = who.body.operator || who.body.roles.length > 1 ? tenant : null;
    return { ctx, api: apiCaller(app, req, token, named), role, may: (a) => mayDo(role, a) };
  }

  /** A change: the CSRF check first, then the signed-in admin. */
  async function changing(req: FastifyRequest, reply: FastifyReply): Promise<{ admin: Admin; form: Form } | null> {
    const form = formOf(req);
    if (!form) {
      sendPage(reply, messagePage(baseCtx(req, reply), 403, 'page.csrf', 'login'), 403);
      return null;
    }
    const admin = await signedIn(req, reply);
    return admin ? { admin, form } : null;
  }

  const notFound = (reply: FastifyReply, ctx: PageCtx): FastifyReply => sendPage(reply, messagePage(ctx, 404, 'page.not-found', 'admin'), 404);

  scope.get('/', async (req, reply) => seeOther(reply, tokenOf(req) ? '/console/dashboard' : '/console/login'));

  scope.get('/login', async (req, reply) => sendPage(reply, adminLoginPage(baseCtx(req, reply), { ...(queryOf(req).done ? { notice: queryOf(req).done } : {}) })));

  scope.post('/login', async (req, reply) => {
    const form = formOf(req);
    const ctx = baseCtx(req, reply);
    if (!form) return sendPage(reply, messagePage(ctx, 403, 'page.csrf', 'login'), 403);
    const username = form.username ?? '';
    const r = await apiCaller(app, req, null, null).call<{ token: string }>('POST', '/api/v1/login', { username, password: form.password ?? '' });
    if (r.status !== 200) {
      if (r.status === 429) reply.header('retry-after', String(r.headers['retry-after'] ?? '60'));
      return sendPage(reply, adminLoginPage(ctx, { username, refusal: r.refusal }), r.status === 429 ? 429 : 401);
    }
    setCookie(req, reply, COOKIES.admin, r.body.token, { path: '/console', maxAge: SESSION_COOKIE_SECONDS });
    deps.log.info({ ip: req.ip, user: username }, 'console login');
    return seeOther(reply, '/console/dashboard');
  });

  scope.post('/logout', async (req, reply) => {
    const form = formOf(req);
    if (!form) return sendPage(reply, messagePage(baseCtx(req, reply), 403, 'page.csrf', 'login'), 403);
    const token = tokenOf(req);
    // Ends the session in the database: the token is dead even if the cookie was copied.
    if (token) await apiCaller(app, req, token, null).call('POST', '/api/v1/logout');
    clearCookie(req, reply, COOKIES.admin, '/console');
    return seeOther(reply, '/console/login', 'logged-out');
  });

  // The switch works on every page, the login and member-space pages too: only the cookie changes.
  scope.post('/lang', async (req, reply) => {
    const form = formOf(req);
    if (!form) return sendPage(reply, messagePage(baseCtx(req, reply), 403, 'page.csrf', 'login'), 403);
    if (form.lang === 'fr' || form.lang === 'en') setCookie(req, reply, COOKIES.lang, form.lang, { maxAge: 365 * 86400 });
    return seeOther(reply, safeBack(form.back, '/console'));
  });

  scope.post('/tenant', async (req, reply) => {
    const c = await changing(req, reply);
    if (!c) return reply;
    if (c.admin.ctx.admin!.tenants.includes(c.form.tenant ?? '')) setCookie(req, reply, COOKIES.tenant, c.form.tenant!, { path: '/console' });
    return seeOther(reply, '/console/dashboard');
  });

  // ---- dashboard

  /** A traffic chart in the reader's language, from the API; null when it refused. */
  async function trafficChart(a: Admin, range: '24h' | '30d') {
    const r = await a.api.call<SeriesBody>('GET', `/api/v1/dashboard/traffic?range=${range}`);
    return r.refusal ? null : chartData(a.ctx.tr, a.ctx.tr.t(range === '24h' ? 'dash.traffic.24h' : 'dash.traffic.30d'), r.body);
  }

  scope.get('/dashboard', async (req, reply) => {
    const a = await signedIn(req, reply);
    if (!a) return reply;
    const [r, day, month] = await Promise.all([a.api.call<DashboardData>('GET', '/api/v1/dashboard'), trafficChart(a, '24h'), trafficChart(a, '30d')]);
    if (r.refusal) return sendPage(reply, messagePage(a.ctx, r.status, 'page.error', 'admin', a.ctx.tr.maybe(`error.${r.refusal.code}`) ?? r.refusal.message), r.status);
    return sendPage(reply, dashboardPage(a.ctx, r.body, { day, month }));
  });

  scope.get('/dashboard.json', async (req, reply) => {
    const token = tokenOf(req);
    if (!token) return reply.code(401).send({ error: 'login' });
    const a = await signedIn(req, reply);
    if (!a) return reply;
    const r = await a.api.call<DashboardData>('GET', '/api/v1/dashboard');
    if (r.refusal) return reply.code(r.status).send({ error: r.refusal.code });
    return reply.header('cache-control', 'no-store').send(dashboardFigures(a.ctx.tr, r.body));
  });

  scope.get('/dashboard/traffic.json', async (req, reply) => {
    if (!tokenOf(req)) return reply.code(401).send({ error: 'login' });
    const a = await signedIn(req, reply);
    if (!a) return reply;
    const chart = await trafficChart(a, queryOf(req).range === '30d' ? '30d' : '24h');
    if (!chart) return reply.code(502).send({ error: 'traffic' });
    return reply.header('cache-control', 'no-store').send(chart);
  });

  scope.get('/sessions', async (req, reply) => {
    const a = await signedIn(req, reply);
    if (!a) return reply;
    const cursor = queryOf(req).cursor;
    const r = await a.api.call<{ sessions: LiveSessionRow[]; open: number; next_cursor: string | null }>(
      'GET',
      `/api/v1/sessions?${new URLSearchParams({ limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) }).toString()}`,
    );
    return sendPage(reply, sessionsPage(a.ctx, r.refusal ? { sessions: [], open: 0, next: null } : { sessions: r.body.sessions, open: r.body.open, next: r.body.next_cursor }));
  });

  // ---- members

  const filtersOf = (q: Record<string, string>): MemberFilters => ({
    q: (q.q ?? '').trim(),
    by: q.by === 'address' || q.by === 'line' ? q.by : 'name',
    mode: q.mode === 'contains' ? 'contains' : 'prefix',
    status: q.status === 'active' || q.status === 'suspended' ? q.status : '',
    plan: q.plan ?? '',
    lapsing: q.lapsing === '1',
  });

  async function memberList(a: Admin, f: MemberFilters, cursor: string | undefined) {
    const p = new URLSearchParams({ limit: String(PAGE_SIZE) });
    // The API's own limits on a search text; a longer one finds nothing anyway.
    if (f.q) p.set(f.by === 'address' ? 'address' : f.by === 'line' ? 'line' : f.mode === 'contains' ? 'contains' : 'q', [...f.q].slice(0, f.by === 'address' ? 60 : 253).join(''));
    if (f.status) p.set('status', f.status);
    if (f.plan) p.set('plan', f.plan);
    if (f.lapsing) p.set('lapsing_within', '30');
    if (cursor) p.set('cursor', cursor);
    return a.api.call<{ members: MemberRow[]; next_cursor: string | null }>('GET', `/api/v1/members?${p.toString()}`);
  }

  const planNames = async (a: Admin): Promise<string[]> => {
    const r = await a.api.call<{ plans: PlanRow[] }>('GET', '/api/v1/plans');
    return r.refusal ? [] : r.body.plans.map((p) => p.name);
  };

  scope.get('/members', async (req, reply) => {
    const a = await signedIn(req, reply);
    if (!a) return reply;
    const q = queryOf(req);
    const filters = filtersOf(q);
    const [list, plans] = await Promise.all([memberList(a, filters, q.cursor), planNames(a)]);
    return sendPage(
      reply,
      membersPage(a.ctx, {
        members: list.refusal ? [] : list.body.members,
        next: list.refusal ? null : list.body.next_cursor,
        filters,
        plans,
        canWrite: a.may('write'),
        ...(q.done ? { notice: q.done } : {}),
        refusal: list.refusal,
      }),
      list.refusal ? list.status : 200,
    );
  });

  scope.get('/members.json', async (req, reply) => {
    if (!tokenOf(req)) return reply.code(401).send({ error: 'login' });
    const a = await signedIn(req, reply);
    if (!a) return reply;
    const list = await memberList(a, filtersOf(queryOf(req)), undefined);
    if (list.refusal) return reply.code(list.status).send({ error: list.refusal.code });
    return reply.header('cache-control', 'no-store').send({
      rows: list.body.members.map((m) => memberRowJson(a.ctx.tr, m)),
      summary: membersSummary(a.ctx.tr, list.body.members.length, list.body.next_cursor !== null),
    });
  });

  const memberBody = (f: Form, before?: MemberView): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const text = (k: 'plan' | 'ipv4' | 'ipv6_prefix' | 'paid_until'): void => {
      const v = (f[k] ?? '').trim();
      const value = v === '' ? null : v;
      if (before ? before[k] !== value : value !== null) out[k] = value;
    };
    text('plan');
    text('ipv4');
    text('ipv6_prefix');
    text('paid_until');
    const ms = (f.max_sessions ?? '').trim();
    const max = ms === '' ? null : /^\d+$/.test(ms) ? Number(ms) : ms;
    if (before ? before.max_sessions !== max : max !== null) out.max_sessions = max;
    return out;
  };

  // ---- CSV import: check (the API's dry run), preview, confirm

  const pending = new PendingImports();
  const csrfOf = (req: FastifyRequest): string => readCookies(req)[COOKIES.csrf] ?? '';
  const faultsOf = (r: ApiRefusal | null): FaultyLine[] | null =>
    r && r.code === 'IMPORT_FAILED' && Array.isArray(r.details.faults) ? (r.details.faults as FaultyLine[]) : null;

  scope.get('/members/import', async (req, reply) => {
    const a = await signedIn(req, reply);
    if (!a) return reply;
    return sendPage(reply, importPage(a.ctx, {}));
  });

  scope.post('/members/import', async (req, reply) => {
    const c = await changing(req, reply);
    if (!c) return reply;
    const files = (req.body as Record<string, unknown>)[FILES] as MultipartForm['files'] | undefined;
    const file = files?.file;
    if (!file) return sendPage(reply, importPage(c.admin.ctx, { problem: files ? 'no-file' : 'unreadable' }), 400);
    if (file.data.length === 0) return sendPage(reply, importPage(c.admin.ctx, { problem: 'no-file' }), 400);
    const csv = file.data.toString('utf8');
    // The file's own name, for the audit log and the preview: its last path segment, printable.
    const source = (file.filename.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200) || 'upload.csv';
    const r = await c.admin.api.call<{ would_import: number; sha256: string; preview: PreviewRow[] }>('POST', '/api/v1/members/import/csv', { csv, source, dry_run: true });
    const faults = faultsOf(r.refusal);
    if (faults) return sendPage(reply, importPage(c.admin.ctx, { faults }), 422);
    if (r.refusal) return sendPage(reply, importPage(c.admin.ctx, { refusal: r.refusal }), r.status);
    const id = pending.put({ csv, sha256: r.body.sha256, source, count: r.body.would_import }, csrfOf(req), tokenOf(req) ?? '');
    return sendPage(reply, importPage(c.admin.ctx, { preview: { id, sha256: r.body.sha256, source, count: r.body.would_import, rows: r.body.preview } }));
  });

  scope.post('/members/import/confirm', async (req, reply) => {
    const c = await changing(req, reply);
    if (!c) return reply;
    const id = c.form.id ?? '';
    const p = pending.get(id, csrfOf(req), tokenOf(req) ?? '');
    if (!p || p.sha256 !== c.form.sha256) return sendPage(reply, importPage(c.admin.ctx, { problem: 'expired' }), 409);
    const r = await c.admin.api.call('POST', '/api/v1/members/import/csv', { csv: p.csv, source: p.source, expect_sha256: p.sha256 });
    // Refused (the database changed since the preview): the faults as found now; the preview stays for another try.
    const faults = faultsOf(r.refusal);
    if (faults) return sendPage(reply, importPage(c.admin.ctx, { faults }), 422);
    if (r.refusal) return sendPage(reply, importPage(c.admin.ctx, { refusal: r.refusal }), r.status);
    pending.drop(id);
    deps.log.info({ user: c.admin.ctx.admin?.login, tenant: c.admin.ctx.admin?.tenant, source: p.source, imported: p.count }, 'console CSV import');
    return seeOther(reply, '/console/members', 'members-imported');
  });

  scope.get('/members/new', async (req, reply) => {
    const a = await signedIn(req, reply);
    if (!a) return reply;
    return sendPage(reply, newMemberPage(a.ctx, { plans: await planNames(a), values: {} }));
  });

  scope.post('/members/new', async (req, reply) => {
    const c = await changing(req, reply);
    if (!c) return reply;
    const { admin: a, form } = c;
    const username = form.username ?? '';
    const r = await a.api.call('POST', '/api/v1/members', { username, password: form.password ?? '', ...memberBody(form) });
    if (r.refusal) {
      const values: MemberForm = { username, plan: form.plan ?? '', ipv4: form.ipv4 ?? '', ipv6_prefix: form.ipv6_prefix ?? '', max_sessions: form.max_sessions ?? '', paid_until: form.paid_until ?? '' };
      return sendPage(reply, newMemberPage(a.ctx, { plans: await planNames(a), values, refusal: r.refusal }), r.status);
    }
    return seeOther(reply, pathOf('/console/members', username), 'member-added');
  });

  /**
   * Whether the member is one of the tenant's, by the tenant's own member list
   * (which always names the tenant): a member page or action for another
   * tenant's member is then "not found" whatever the route behind it does.
   */
  async function inTenant(a: Admin, username: string): Promise<boolean> {
    const r = await a.api.call<{ members: MemberRow[] }>('GET', `/api/v1/members?${new URLSearchParams({ q: username, limit: '1' }).toString()}`);
    return !r.refusal && r.body.members[0]?.username === username;
  }

  async function showMember(a: Admin, reply: FastifyReply, username: string, extra: { notice?: string; refusal?: ApiRefusal | null; status?: number } = {}): Promise<FastifyReply> {
    if (!(await inTenant(a, username))) return notFound(reply, a.ctx);
    const m = await a.api.call<MemberView>('GET', pathOf('/api/v1/members', username));
    if (m.status === 404) return notFound(reply, a.ctx);
    if (m.refusal) return sendPage(reply, messagePage(a.ctx, m.status, 'page.error', 'admin', a.ctx.tr.maybe(`error.${m.refusal.code}`) ?? m.refusal.message), m.status);
    const usage = (range: '12m' | 'month') => a.api.call<SeriesBody>('GET', `${pathOf('/api/v1/members', username)}/usage?range=${range}`);
    const [d, plans, year, month] = await Promise.all([
      a.may('diagnose') ? a.api.call<Diagnosis>('GET', `${pathOf('/api/v1/members', username)}/diagnose`) : null,
      planNames(a),
      usage('12m'),
      usage('month'),
    ]);
    const tr = a.ctx.tr;
    return sendPage(
      reply,
      memberPage(a.ctx, {
        member: m.body,
        diagnosis: d && !d.refusal ? d.body : null,
        plans,
        usage: {
          year: year.refusal ? null : chartData(tr, tr.t('member.usage.12m'), year.body),
          month: month.refusal ? null : chartData(tr, tr.t('member.usage.month'), month.body),
        },
        may: { write: a.may('write'), paidUntil: a.may('paid-until'), disconnect: a.may('disconnect') },
        ...(extra.notice ? { notice: extra.notice } : {}),
        refusal: extra.refusal ?? null,
      }),
      extra.status ?? 200,
    );
  }

  scope.get<{ Params: { username: string } }>('/members/:username', async (req, reply) => {
    const a = await signedIn(req, reply);
    if (!a) return reply;
    const done = queryOf(req).done;
    return showMember(a, reply, req.params.username, done ? { notice: done } : {});
  });

  /** One action of the member page: the API call it makes, and the notice it leaves. */
  const ACTIONS: Record<string, { notice: string; call: (api: ApiCaller, username: string, form: Form, before: () => Promise<MemberView | null>) => Promise<{ status: number; refusal: ApiRefusal | null }> }> = {
    edit: {
      notice: 'member-saved',
      async call(api, u, form, before) {
        const b = await before();
        if (!b) return { status: 404, refusal: null };
        const body = memberBody(form, b);
        if (Object.keys(body).length === 0) return { status: 200, refusal: null };
        return api.call('PATCH', pathOf('/api/v1/members', u), body);
      },
    },
    'paid-until': { notice: 'member-saved', call: (api, u, form) => api.call('PATCH', pathOf('/api/v1/members', u), { paid_until: (form.paid_until ?? '').trim() || null }) },
    passwd: { notice: 'password-set', call: (api, u, form) => api.call('POST', `${pathOf('/api/v1/members', u)}/passwd`, { password: form.password ?? '' }) },
    suspend: { notice: 'member-suspended', call: (api, u, form) => api.call('POST', `${pathOf('/api/v1/members', u)}/suspend`, { reason: form.reason ?? '' }) },
    resume: { notice: 'member-resumed', call: (api, u) => api.call('POST', `${pathOf('/api/v1/members', u)}/resume`, {}) },
    disconnect: { notice: 'member-disconnected', call: (api, u) => api.call('POST', '/api/v1/disconnect', { username: u }) },
  };

  for (const [name, act] of Object.entries(ACTIONS)) {
    scope.post<{ Params: { username: string } }>(`/members/:username/${name}`, async (req, reply) => {
      const c = await changing(req, reply);
      if (!c) return reply;
      const u = req.params.username;
      if (!(await inTenant(c.admin, u))) return notFound(reply, c.admin.ctx);
      const before = async (): Promise<MemberView | null> => {
        const m = await c.admin.api.call<MemberView>('GET', pathOf('/api/v1/members', u));
        return m.refusal ? null : m.body;
      };
      const r = await act.call(c.admin.api, u, c.form, before);
      if (r.status === 404 && (r.refusal === null || r.refusal.code === 'UNKNOWN_MEMBER')) return notFound(reply, c.admin.ctx);
      if (r.refusal) return showMember(c.admin, reply, u, { refusal: r.refusal, status: r.status });
      return seeOther(reply, pathOf('/console/members', u), act.notice);
    });
  }

  // ---- plans, NAS

  const parseAttributes = (text: string): Array<{ name: string; value: string }> =>
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .map((l) => {
        const eq = l.indexOf('=');
        return eq < 0 ? { name: l, value: '' } : { name: l.slice(0, eq).trim(), value: l.slice(eq + 1).trim() };
      });

  scope.get('/plans', async (req, reply) => {
    const a = await signedIn(req, reply);
    if (!a) return reply;
    const r = await a.api.call<{ plans: PlanRow[] }>('GET', '/api/v1/plans');
    const done = queryOf(req).done;
    return sendPage(reply, plansPage(a.ctx, { plans: r.refusal ? [] : r.body.plans, canWrite: a.may('write'), ...(done ? { notice: done } : {}), refusal: r.refusal }));
  });

  scope.post('/plans', async (req, reply) => {
    const c = await changing(req, reply);
    if (!c) return reply;
    const { admin: a, form } = c;
    const r = await a.api.call('POST', '/api/v1/plans', { name: form.name ?? '', attributes: parseAttributes(form.attributes ?? '') });
    if (r.refusal) {
      const list = await a.api.call<{ plans: PlanRow[] }>('GET', '/api/v1/plans');
      return sendPage(reply, plansPage(a.ctx, { plans: list.refusal ? [] : list.body.plans, canWrite: a.may('write'), values: { name: form.name ?? '', attributes: form.attributes ?? '' }, refusal: r.refusal }), r.status);
    }
    return seeOther(reply, '/console/plans', 'plan-added');
  });

  scope.get('/nas', async (req, reply) => {
    const a = await signedIn(req, reply);
    if (!a) return reply;
    const r = await a.api.call<{ nas: NasRow[] }>('GET', '/api/v1/nas');
    const done = queryOf(req).done;
    return sendPage(reply, nasPage(a.ctx, { nas: r.refusal ? [] : r.body.nas, profiles: DISCONNECT_PROFILES, canWrite: a.may('write'), ...(done ? { notice: done } : {}), refusal: r.refusal }));
  });

  scope.post('/nas', async (req, reply) => {
    const c = await changing(req, reply);
    if (!c) return reply;
    const { admin: a, form } = c;
    const port = (form.coa_port ?? '').trim();
    const r = await a.api.call<{ warnings: Array<{ text: string }> }>('POST', '/api/v1/nas', {
      name: form.name ?? '',
      address: form.address ?? '',
      secret: form.secret ?? '',
      ...(port !== '' ? { coa_port: /^\d+$/.test(port) ? Number(port) : port } : {}),
      ...(form.disconnect_profile ? { disconnect_profile: form.disconnect_profile } : {}),
    });
    const list = await a.api.call<{ nas: NasRow[] }>('GET', '/api/v1/nas');
    const rows = list.refusal ? [] : list.body.nas;
    if (r.refusal) {
      // The secret typed is not sent back into the page.
      return sendPage(reply, nasPage(a.ctx, { nas: rows, profiles: DISCONNECT_PROFILES, canWrite: true, values: { name: form.name ?? '', address: form.address ?? '', coa_port: port }, refusal: r.refusal }), r.status);
    }
    return sendPage(reply, nasPage(a.ctx, { nas: rows, profiles: DISCONNECT_PROFILES, canWrite: true, notice: 'nas-added', warnings: r.body.warnings.map((w) => w.text) }));
  });

  // ---- audit, export

  scope.get('/audit', async (req, reply) => {
    const a = await signedIn(req, reply);
    if (!a) return reply;
    const q = queryOf(req);
    const username = (q.username ?? '').trim();
    const p = new URLSearchParams({ limit: '50' });
    if (username) p.set('username', username);
    if (q.cursor) p.set('cursor', q.cursor);
    const r = await a.api.call<{ entries: AuditRow[]; next_cursor: string | null }>('GET', `/api/v1/audit?${p.toString()}`);
    return sendPage(reply, auditPage(a.ctx, { entries: r.refusal ? [] : r.body.entries, next: r.refusal ? null : r.body.next_cursor, username, refusal: r.refusal }), r.refusal ? r.status : 200);
  });

  const monthBounds = (now: number): { from: string; to: string } => {
    const d = new Date(now);
    const from = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    const to = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
    return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
  };

  scope.get('/export', async (req, reply) => {
    const a = await signedIn(req, reply);
    if (!a) return reply;
    return sendPage(reply, exportPage(a.ctx, monthBounds(deps.services.now())));
  });

  scope.get('/export.csv', async (req, reply) => {
    const a = await signedIn(req, reply);
    if (!a) return reply;
    const q = queryOf(req);
    const from = q.from ?? '';
    const to = q.to ?? '';
    const p = new URLSearchParams({ from, to, format: 'csv' });
    if (q.detail === 'true') p.set('detail', 'true');
    const r = await a.api.call<string>('GET', `/api/v1/usage?${p.toString()}`);
    if (r.refusal) return sendPage(reply, exportPage(a.ctx, { from, to, refusal: r.refusal }), r.status);
    const name = `radassoc-usage-${from}-${to}${q.detail === 'true' ? '-detail' : ''}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').send(r.text);
  });
}
