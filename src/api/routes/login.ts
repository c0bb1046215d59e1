/** Admin logins: a session token for the right password, revoked by logout; and who the caller is. */
import { fail } from '../../errors.js';
import { login, logout } from '../accounts.js';
import type { AuthGuard } from '../auth-guard.js';
import type { PrincipalCache } from '../principal-cache.js';
import { route, type RouteDef } from '../route.js';
import { LoginBody, LoginResultSchema, LogoutSchema, WhoamiSchema } from '../schemas.js';

export const loginRoutes = (guard: AuthGuard, principals: PrincipalCache): RouteDef[] => [
  route({
    method: 'POST',
    url: '/api/v1/login',
    tag: 'login',
    summary: "An admin's login: a session token",
    description: 'Failed logins are limited per source address and per login (429 with Retry-After).',
    auth: 'none',
    body: LoginBody,
    response: { status: 200, description: 'The session token, shown once', schema: LoginResultSchema },
    errors: [401, 429],
    async handler({ deps, body, request }) {
      guard.assertAllowed(request.ip, body.username);
      const r = await login(deps, body);
      if (r === null) {
        guard.loginFailed(request.ip, body.username);
        throw fail('API_UNAUTHENTICATED', { problem: 'login' });
      }
      deps.log.info({ ip: request.ip, user: body.username }, 'API login');
      return r;
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/logout',
    tag: 'login',
    summary: 'End this login session (an API token is revoked with `radassoc token revoke`)',
    auth: 'principal',
    response: { status: 200, description: 'Logged out', schema: LogoutSchema },
    async handler({ deps, principal }) {
      await logout(deps, principal, principals);
      return { logged_out: principal.sessionId !== null };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/whoami',
    tag: 'login',
    summary: 'Who the token belongs to, and its roles',
    auth: 'principal',
    response: { status: 200, description: 'The caller', schema: WhoamiSchema },
    handler: async ({ principal }) => ({
      actor: principal.actor,
      kind: principal.kind,
      operator: principal.operator,
      roles: principal.roles.map((r) => ({ tenant: r.tenant, role: r.role })),
    }),
  }),
];
