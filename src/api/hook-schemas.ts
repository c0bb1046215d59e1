/** Request and response bodies of /api/v1/hooks (routes/hooks.ts), with their examples for /api/openapi.json. */
import { z } from 'zod';
import { HOOK_EVENTS, isHookUrl } from '../webhooks/events.js';

const TIME = z.string().meta({ format: 'date-time' });
const EVENT = z.enum(HOOK_EVENTS as unknown as [string, ...string[]]);

const HOOK_EXAMPLE = {
  id: '3',
  url: 'https://members.example.org/radassoc/events',
  events: ['session.started', 'session.stopped'],
  created_by: 'token:member-sync',
  created_at: '2026-11-02T10:00:00.000Z',
  pending: 0,
  failed: 0,
  last_delivered_at: '2026-11-03T08:00:01.000Z',
  last_error: null,
};

export const HookSchema = z
  .strictObject({
    id: z.string(),
    url: z.string(),
    events: z.array(EVENT),
    created_by: z.string(),
    created_at: TIME,
    pending: z.int().meta({ description: 'Deliveries waiting or being retried.' }),
    failed: z.int().meta({ description: 'Deliveries given up after webhooks.maxAgeHours.' }),
    last_delivered_at: TIME.nullable(),
    last_error: z.string().nullable().meta({ description: 'The latest failure, e.g. "HTTP 500" or "ECONNREFUSED".' }),
  })
  .meta({ examples: [HOOK_EXAMPLE] });

export const HookListSchema = z.strictObject({ hooks: z.array(HookSchema) }).meta({ examples: [{ hooks: [HOOK_EXAMPLE] }] });

export const HookCreateBody = z
  .strictObject({
    url: z.string().refine(isHookUrl, { error: 'not an http:// or https:// URL of at most 2000 characters' }).meta({ description: 'Where each event is POSTed: http:// or https://.' }),
    events: z.array(EVENT).min(1, { error: 'name at least one event' }),
    secret: z
      .string()
      .min(16, { error: 'a webhook secret has at least 16 characters; leave it out to have one generated' })
      .max(1024)
      .optional()
      .meta({ writeOnly: true, description: 'The HMAC-SHA256 key; generated (and answered once) when left out.' }),
  })
  .meta({ examples: [{ url: 'https://members.example.org/radassoc/events', events: ['session.started', 'session.stopped', 'member.suspended'] }] });

export const HookCreatedSchema = z
  .strictObject({
    hook: HookSchema,
    secret: z.string().nullable().meta({ description: 'The generated secret, this once; null when the request gave one.' }),
  })
  .meta({ examples: [{ hook: { ...HOOK_EXAMPLE, last_delivered_at: null }, secret: 'whsec_3q2-7wAbCdEfGhIjKlMnOpQrStUvWxYz0123456789AB' }] });

const DELIVERY_EXAMPLE = {
  event_id: '0b7f3c52-3a0e-4a55-9a57-0c1d2e3f4a5b',
  event: 'session.started',
  attempts: 2,
  created_at: '2026-11-03T08:00:00.000Z',
  delivered_at: '2026-11-03T08:00:31.000Z',
  failed_at: null,
  last_status: 200,
  last_error: null,
};

export const HookShowSchema = z
  .strictObject({
    hook: HookSchema,
    deliveries: z.array(
      z.strictObject({
        event_id: z.string().meta({ description: 'X-Radassoc-Delivery.' }),
        event: EVENT,
        attempts: z.int(),
        created_at: TIME,
        delivered_at: TIME.nullable(),
        failed_at: TIME.nullable(),
        last_status: z.int().nullable(),
        last_error: z.string().nullable(),
      }),
    ),
  })
  .meta({ examples: [{ hook: HOOK_EXAMPLE, deliveries: [DELIVERY_EXAMPLE] }] });

export const HookRemovedSchema = z.strictObject({ removed: z.string() }).meta({ examples: [{ removed: '3' }] });
