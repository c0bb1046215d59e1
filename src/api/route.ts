/**
 * One API route, declared once: its method and path, who may call it (the
 * action its role must allow), its zod schemas with their examples, and its
 * handler. server.ts registers these with Fastify; openapi.ts documents the
 * same list, so a route cannot exist undocumented.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Scope, ServiceDeps } from '../services/deps.js';
import type { ApiRole, Principal } from './accounts.js';
import type { Action } from './roles.js';
import { TENANT_PARAM } from './schemas.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Looks up the object a request names (path params, or the raw body where the object is named there). */
export type ObjectProbe = (ctx: { deps: ServiceDeps; scope: Scope; params: Record<string, unknown>; body: unknown }) => Promise<void>;

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  deps: ServiceDeps;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** A route acting in a tenant: its scope and the caller's role there. */
export interface TenantContext<P, Q, B> extends RouteContext<P, Q, B> {
  principal: Principal;
  scope: Scope;
  role: ApiRole;
}

interface Common<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** Fastify's form: /api/v1/members/:username */
  url: string;
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** POST creates: Idempotency-Key honoured. */
  idempotent?: boolean;
  /** Bytes; default 1 MiB. */
  bodyLimit?: number;
  response: {
    status: number;
    description: string;
    schema: z.ZodType;
    /** Another success status with the same schema (a dry run's 200 beside a create's 201). */
    alternative?: { status: number; description: string };
    /** A text/csv alternative (usage export), with its example. */
    csvExample?: string;
  };
  /** Error statuses worth documenting besides 400/401/403/429. */
  errors?: number[];
}

export type TenantRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = Common<P, Q, B> & {
  auth: 'tenant';
  /** The action the caller's role must allow; from the raw body where it decides (PATCH of paid-until alone). */
  action: Action | ((body: unknown) => Action);
  /**
   * For a route that names one object (api/found.ts): throws its not-found
   * refusal when the object is not in the caller's tenant. Asked before a
   * role is refused, so that another tenant's object is a 404 to every role
   * (its existence stays unknown), and only the caller's own is a 403.
   */
  found?: ObjectProbe;
  handler(ctx: TenantContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
};

export type PrincipalRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = Common<P, Q, B> & {
  auth: 'principal';
  handler(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>> & { principal: Principal }): Promise<unknown>;
};

export type OpenRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = Common<P, Q, B> & {
  auth: 'none';
  handler(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
};

export type RouteDef<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> =
  | TenantRoute<P, Q, B>
  | PrincipalRoute<P, Q, B>
  | OpenRoute<P, Q, B>;

/** Type-checks a route's handler against its own schemas, then forgets them for the list. */
export function route<P extends z.ZodType = z.ZodObject<{}>, Q extends z.ZodType = z.ZodObject<{}>, B extends z.ZodType = z.ZodUnknown>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef;
}

/** What a handler may return instead of a JSON body: another status, or text. */
export class Answer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType: string = 'application/json; charset=utf-8',
  ) {}
}

/** Built once per route: zod compiles a schema on its first parse, so one made per request costs that compile every time. */
const querySchemas = new WeakMap<RouteDef, z.ZodType>();

/** The route's query with ?tenant= beside it (what every tenant route takes). */
export function querySchema(def: RouteDef): z.ZodType {
  let schema = querySchemas.get(def);
  if (schema === undefined) {
    const base = (def.query as z.ZodObject | undefined) ?? z.strictObject({});
    schema = def.auth === 'tenant' ? base.extend({ tenant: TENANT_PARAM }) : base;
    querySchemas.set(def, schema);
  }
  return schema;
}

