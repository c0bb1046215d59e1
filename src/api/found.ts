/**
 * The objects a route names, looked up in the caller's tenant for the
 * route's `found` probe (route.ts): each throws the same not-found refusal
 * the route's own service call would.
 */
import { showHook } from '../services/hooks.js';
import { showMember } from '../services/members.js';
import { showNas } from '../services/nas.js';
import { showPlan } from '../services/plans.js';
import type { ObjectProbe } from './route.js';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export const memberFound: ObjectProbe = async ({ deps, scope, params }) => void (await showMember(deps, scope, text(params.username)));
export const planFound: ObjectProbe = async ({ deps, scope, params }) => void (await showPlan(deps, scope, text(params.name)));
export const nasFound: ObjectProbe = async ({ deps, scope, params }) => void (await showNas(deps, scope, text(params.name)));
export const hookFound: ObjectProbe = async ({ deps, scope, params }) => void (await showHook(deps, scope, text(params.id)));

/** A disconnect names its member in the body: that member, when it names one. */
export const bodyMemberFound: ObjectProbe = async ({ deps, scope, body }) => {
  const username = typeof body === 'object' && body !== null ? (body as { username?: unknown }).username : undefined;
  if (typeof username === 'string') await showMember(deps, scope, username);
};
