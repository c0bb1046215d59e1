/** /api/v1/plans and /api/v1/nas: the plan and NAS services; a NAS secret goes in and never comes out. */
import { z } from 'zod';
import type { DisconnectProfile } from '../../domain/nas.js';
import { addNas, listNas, removeNas, showNas } from '../../services/nas.js';
import { addPlan, listPlans, removePlan, setPlan, showPlan } from '../../services/plans.js';
import { nasFound, planFound } from '../found.js';
import { Answer, route, type RouteDef } from '../route.js';
import { NasCreateBody, NasCreatedSchema, NasListSchema, NasSchema, PlanCreateBody, PlanListSchema, PlanSchema, PlanUpdateBody, RemovedSchema } from '../schemas.js';

const NAME = z.strictObject({ name: z.string().min(1) });

export const planRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/api/v1/plans',
    tag: 'plans',
    summary: 'List plans',
    auth: 'tenant',
    action: 'read',
    response: { status: 200, description: 'Every plan with its reply attributes', schema: PlanListSchema },
    handler: async ({ deps, scope }) => ({ plans: await listPlans(deps, scope) }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/plans',
    tag: 'plans',
    summary: 'Add a plan',
    auth: 'tenant',
    action: 'write',
    idempotent: true,
    body: PlanCreateBody,
    response: { status: 201, description: 'The plan', schema: PlanSchema },
    errors: [409, 422],
    handler: async ({ deps, scope, body }) => new Answer(201, await addPlan(deps, scope, { name: body.name, attributes: body.attributes })),
  }),
  route({
    method: 'GET',
    url: '/api/v1/plans/:name',
    tag: 'plans',
    summary: 'Show a plan',
    auth: 'tenant',
    action: 'read',
    found: planFound,
    params: NAME,
    response: { status: 200, description: 'The plan', schema: PlanSchema },
    errors: [404],
    handler: ({ deps, scope, params }) => showPlan(deps, scope, params.name),
  }),
  route({
    method: 'PUT',
    url: '/api/v1/plans/:name',
    tag: 'plans',
    summary: "Replace a plan's attributes",
    description: 'Members on the plan get them at their next login.',
    auth: 'tenant',
    action: 'write',
    found: planFound,
    params: NAME,
    body: PlanUpdateBody,
    response: { status: 200, description: 'The plan', schema: PlanSchema },
    errors: [404, 422],
    handler: ({ deps, scope, params, body }) => setPlan(deps, scope, { name: params.name, attributes: body.attributes }),
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/plans/:name',
    tag: 'plans',
    summary: 'Remove a plan no member is on',
    auth: 'tenant',
    action: 'write',
    found: planFound,
    params: NAME,
    response: { status: 200, description: 'Removed', schema: RemovedSchema },
    errors: [404, 409],
    handler: ({ deps, scope, params }) => removePlan(deps, scope, params.name),
  }),
];

export const nasRoutes: RouteDef[] = [
  route({
    method: 'GET',
    url: '/api/v1/nas',
    tag: 'nas',
    summary: 'List NAS clients (secrets never shown)',
    auth: 'tenant',
    action: 'read',
    response: { status: 200, description: 'Every NAS', schema: NasListSchema },
    handler: async ({ deps, scope }) => ({ nas: await listNas(deps, scope) }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/nas/:name',
    tag: 'nas',
    summary: 'Show a NAS (its secret never shown)',
    auth: 'tenant',
    action: 'read',
    found: nasFound,
    params: NAME,
    response: { status: 200, description: 'The NAS', schema: NasSchema },
    errors: [404],
    handler: ({ deps, scope, params }) => showNas(deps, scope, params.name),
  }),
  route({
    method: 'POST',
    url: '/api/v1/nas',
    tag: 'nas',
    summary: 'Add a NAS',
    description: 'The shared secret is write-only. Every daemon accepts the NAS within a second.',
    auth: 'tenant',
    action: 'write',
    idempotent: true,
    body: NasCreateBody,
    response: { status: 201, description: 'The NAS, and what leaves it weaker than it should be', schema: NasCreatedSchema },
    errors: [409],
    async handler({ deps, scope, body }) {
      const r = await addNas(deps, scope, {
        name: body.name,
        address: body.address,
        secret: body.secret,
        ...(body.coa_port !== undefined ? { coaPort: body.coa_port } : {}),
        ...(body.require_message_authenticator !== undefined ? { requireMessageAuthenticator: body.require_message_authenticator } : {}),
        ...(body.disconnect_profile !== undefined ? { disconnectProfile: body.disconnect_profile as DisconnectProfile } : {}),
        ...(body.supports_coa !== undefined ? { supportsCoa: body.supports_coa } : {}),
      });
      return new Answer(201, { nas: r.nas, warnings: r.warnings.map((w) => ({ code: w.code, text: w.text })) });
    },
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/nas/:name',
    tag: 'nas',
    summary: 'Remove a NAS',
    auth: 'tenant',
    action: 'write',
    found: nasFound,
    params: NAME,
    response: { status: 200, description: 'Removed', schema: RemovedSchema },
    errors: [404],
    handler: ({ deps, scope, params }) => removeNas(deps, scope, params.name),
  }),
];
