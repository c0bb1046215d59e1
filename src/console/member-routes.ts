/**
 * The member space under /me: login with the access login and password (the
 * PAP check, services/member-space.ts), rate-limited per address and per
 * login with the API's limiter; the member's own overview; the password
 * change. A member's session reaches that member's rows alone.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AuthGuard, type AuthGuardOptions } from '../api/auth-guard.js';
import { fail } from '../errors.js';
import type { ServiceDeps } from '../services/deps.js';
import { MEMBER_SESSION_HOURS, memberChangePassword, memberLogin, memberLogout, memberOverview, memberSession, memberSpaceSettings, type MemberSession } from '../services/member-space.js';
import { clearCookie, COOKIES, readCookies, setCookie } from './cookies.js';
import type { PageCtx } from './pages/layout.js';
import { memberLoginPage } from './pages/login.js';
import { meOverviewPage, mePasswordPage } from './pages/me.js';
import { baseCtx, formOf, messagePage, queryOf, refusalOf, seeOther, sendPage } from './request.js';

export interface MemberRouteDeps {
  services: ServiceDeps;
  log: Logger;
  guard?: AuthGuardOptions;
}

export function memberRoutes(scope: FastifyInstance, deps: MemberRouteDeps): void {
  const guard = new AuthGuard(deps.log, deps.guard);
  const svc = deps.services;

  async function current(req: FastifyRequest, reply: FastifyReply): Promise<{ ctx: PageCtx; session: MemberSession } | { ctx: PageCtx; session: null }> {
    const ctx = baseCtx(req, reply);
    const token = readCookies(req)[COOKIES.member];
    const session = token ? await memberSession(svc, token) : null;
    if (token && !session) clearCookie(req, reply, COOKIES.member, '/me');
    if (session) ctx.member = { username: session.member.username };
    return { ctx, session };
  }

  const csrfRefused = (req: FastifyRequest, reply: FastifyReply): FastifyReply => sendPage(reply, messagePage(baseCtx(req, reply), 403, 'page.csrf', 'member'), 403);

  scope.get('/', async (req, reply) => {
    const { ctx, session } = await current(req, reply);
    const done = queryOf(req).done;
    if (!session) return sendPage(reply, memberLoginPage(ctx, done ? { notice: done } : {}));
    return sendPage(reply, meOverviewPage(ctx, await memberOverview(svc, session), done));
  });

  scope.post('/login', async (req, reply) => {
    const form = formOf(req);
    if (!form) return csrfRefused(req, reply);
    const ctx = baseCtx(req, reply);
    const login = (form.login ?? '').trim();
    try {
      guard.assertAllowed(req.ip, login);
    } catch (e) {
      const refusal = refusalOf(e);
      reply.header('retry-after', String(refusal?.details.retryAfterSeconds ?? 60));
      return sendPage(reply, memberLoginPage(ctx, { login, refusal }), 429);
    }
    const r = await memberLogin(svc, { login, password: form.password ?? '' });
    if (!r) {
      guard.loginFailed(req.ip, login);
      return sendPage(reply, memberLoginPage(ctx, { login, refusal: refusalOf(fail('API_UNAUTHENTICATED', { problem: 'login' })) }), 401);
    }
    deps.log.info({ ip: req.ip, user: r.username, tenant: r.tenant }, 'member space login');
    setCookie(req, reply, COOKIES.member, r.token, { path: '/me', maxAge: MEMBER_SESSION_HOURS * 3600 });
    return seeOther(reply, '/me');
  });

  scope.post('/logout', async (req, reply) => {
    if (!formOf(req)) return csrfRefused(req, reply);
    const { session } = await current(req, reply);
    if (session) await memberLogout(svc, session);
    clearCookie(req, reply, COOKIES.member, '/me');
    return seeOther(reply, '/me', 'logged-out');
  });

  scope.get('/password', async (req, reply) => {
    const { ctx, session } = await current(req, reply);
    if (!session) return seeOther(reply, '/me');
    return sendPage(reply, mePasswordPage(ctx, { min: memberSpaceSettings(session.tenant).passwordMinLength }));
  });

  scope.post('/password', async (req, reply) => {
    const form = formOf(req);
    if (!form) return csrfRefused(req, reply);
    const { ctx, session } = await current(req, reply);
    if (!session) return seeOther(reply, '/me');
    try {
      await memberChangePassword(svc, session, { current: form.current ?? '', password: form.password ?? '', confirm: form.confirm ?? '' });
    } catch (e) {
      const refusal = refusalOf(e);
      if (!refusal) throw e;
      return sendPage(reply, mePasswordPage(ctx, { min: memberSpaceSettings(session.tenant).passwordMinLength, refusal }), 400);
    }
    deps.log.info({ ip: req.ip, user: session.member.username, tenant: session.tenant.name }, 'member space password changed');
    return seeOther(reply, '/me', 'password-changed');
  });
}
