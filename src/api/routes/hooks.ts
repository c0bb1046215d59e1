/** /api/v1/hooks: a tenant's webhooks (services/hooks.ts), for its admins and the operator. */
import { z } from 'zod';
import { addHook, listTenantHooks, removeHook, showHook } from '../../services/hooks.js';
import { HookCreateBody, HookCreatedSchema, HookListSchema, HookRemovedSchema, HookShowSchema } from '../hook-schemas.js';
import { hookFound } from '../found.js';
import { Answer, route, type RouteDef } from '../route.js';

const ID = z.strictObject({ id: z.string().min(1) });

export const hookRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/api/v1/hooks',
    tag: 'hooks',
    summary: "The tenant's webhooks (never their secrets)",
    auth: 'tenant',
    action: 'hooks',
    response: { status: 200, description: 'Every webhook of the tenant, with what waits to be delivered', schema: HookListSchema },
    handler: async ({ deps, scope }) => ({ hooks: await listTenantHooks(deps, scope) }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/hooks',
    tag: 'hooks',
    summary: 'Send events of the tenant to a URL',
    description:
      'Each event is POSTed as JSON with X-Radassoc-Event, X-Radassoc-Delivery (the event id, the same on every retry), X-Radassoc-Timestamp and ' +
      'X-Radassoc-Signature: sha256=<hex HMAC-SHA256 over "<timestamp>.<body>" with the secret>. A 2xx answer is delivered; anything else is retried with backoff.',
    auth: 'tenant',
    action: 'hooks',
    idempotent: true,
    body: HookCreateBody,
    response: {
      status: 201,
      description: 'The webhook, and its secret when generated: shown this once, and again only to a retry under the same Idempotency-Key (a client whose first answer was lost would have no other way to learn it)',
      schema: HookCreatedSchema,
    },
    handler: async ({ deps, scope, body }) => new Answer(201, await addHook(deps, scope, { url: body.url, events: body.events, secret: body.secret })),
  }),
  route({
    method: 'GET',
    url: '/api/v1/hooks/:id',
    tag: 'hooks',
    summary: 'A webhook and its latest deliveries',
    auth: 'tenant',
    action: 'hooks',
    found: hookFound,
    params: ID,
    response: { status: 200, description: 'The webhook, and its 50 latest deliveries, newest first', schema: HookShowSchema },
    errors: [404],
    async handler({ deps, scope, params }) {
      const r = await showHook(deps, scope, params.id);
      return {
        hook: r.hook,
        deliveries: r.deliveries.map((d) => ({
          event_id: d.eventId,
          event: d.event,
          attempts: d.attempts,
          created_at: d.createdAt.toISOString(),
          delivered_at: d.deliveredAt?.toISOString() ?? null,
          failed_at: d.failedAt?.toISOString() ?? null,
          last_status: d.lastStatus,
          last_error: d.lastError,
        })),
      };
    },
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/hooks/:id',
    tag: 'hooks',
    summary: 'Remove a webhook (what it had still to deliver is dropped)',
    auth: 'tenant',
    action: 'hooks',
    found: hookFound,
    params: ID,
    response: { status: 200, description: 'Removed', schema: HookRemovedSchema },
    errors: [404],
    handler: ({ deps, scope, params }) => removeHook(deps, scope, params.id),
  }),
];
