/**
 * The web console (/console) and the member space (/me), served by the
 * daemon on the HTTP API's own server: server-rendered pages, one
 * stylesheet and one script as files from the daemon (no CDN, no build
 * step), in French and English. Every response carries a
 * Content-Security-Policy without unsafe-inline and refuses framing.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AuthGuardOptions } from '../api/auth-guard.js';
import type { ServiceDeps } from '../services/deps.js';
import { adminRoutes } from './admin-routes.js';
import { CONSOLE_JS } from './assets/script.js';
import { CONSOLE_CSS } from './assets/style.js';
import { memberRoutes } from './member-routes.js';
import { boundaryOf, FILES, parseMultipart } from './multipart.js';
import { baseCtx, messagePage, sendPage } from './request.js';

export interface ConsoleDeps {
  services: ServiceDeps;
  log: Logger;
  /** The member-space login limits (the API's defaults otherwise). */
  guard?: AuthGuardOptions;
}

/** Forms are small; the CSV import's file (multipart) may be as large as the API's import takes. */
const FORM_LIMIT = 64 * 1024;
const UPLOAD_LIMIT = 11 * 1024 * 1024;

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function secure(reply: FastifyReply, cacheable: boolean): void {
  reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  reply.header('x-frame-options', 'DENY');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-opener-policy', 'same-origin');
  if (!cacheable) reply.header('cache-control', 'no-store');
}

function common(scope: FastifyInstance, log: Logger, side: 'admin' | 'member'): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  // Fields as text (the CSRF token among them), files under FILES: the form reader takes the text alone.
  scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT }, (req, body, done) => {
    const boundary = boundaryOf(req.headers['content-type']);
    const form = boundary ? parseMultipart(body as Buffer, boundary) : null;
    done(null, form ? { ...form.fields, [FILES]: form.files } : {});
  });
  scope.addHook('onRequest', async (req, reply) => secure(reply, req.url.startsWith('/console/assets/')));
  scope.setNotFoundHandler((req, reply) => sendPage(reply, messagePage(baseCtx(req, reply), 404, 'page.not-found', side === 'admin' ? 'login' : 'member'), 404));
  scope.setErrorHandler((e: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    if (status === 500) log.error({ url: req.routeOptions?.url, requestId: req.id, err: e.message }, 'console request failed');
    else log.info({ url: req.routeOptions?.url, status, code: e.code }, 'console request refused');
    return sendPage(reply, messagePage(baseCtx(req, reply), status, 'page.error', side === 'admin' ? 'login' : 'member', `${status} · ${String(req.id)}`), status);
  });
}

export function registerConsole(app: FastifyInstance, deps: ConsoleDeps): void {
  app.register(
    async (scope) => {
      common(scope, deps.log, 'admin');
      scope.get('/assets/console.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CONSOLE_CSS));
      scope.get('/assets/console.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CONSOLE_JS));
      adminRoutes(scope, { app, services: deps.services, log: deps.log });
    },
    { prefix: '/console' },
  );
  app.register(
    async (scope) => {
      common(scope, deps.log, 'member');
      memberRoutes(scope, { services: deps.services, log: deps.log, ...(deps.guard ? { guard: deps.guard } : {}) });
    },
    { prefix: '/me' },
  );
}
