import { LLMTraceError } from '@llmtrace/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Principal, Role } from './principal.js';
import { WIRE } from './schemas.js';

/** What a route handler receives: validated input and the caller. */
export interface RouteContext<Q, B, P> {
  readonly query: Q;
  readonly body: B;
  readonly params: P;
  readonly principal: Principal;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  /** Answers with this status instead of the route's (e.g. 200 when a create adopted a record). */
  readonly status: (code: number) => void;
}

/** One REST route: schemas for input and output, the role it needs, and a handler. */
export interface RouteDefinition<
  Q extends z.ZodType,
  B extends z.ZodType,
  P extends z.ZodType,
  R extends z.ZodType,
> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify path syntax (`/api/v1/traces/:id`). */
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  /** Least role needed; `admin_key` means the global admin key only. */
  readonly role: Role | 'admin_key';
  readonly query?: Q;
  /** Internal (camelCase) shape; clients send its wire form (snake_case). */
  readonly body?: B;
  readonly params?: P;
  /** Internal (camelCase) shape; the wire form is derived from it (see `WireFormat`). */
  readonly response: R;
  /** Status of a successful response (default 200). */
  readonly status?: number;
  /** Other success statuses the handler may pick (`ctx.status`), with what each means. */
  readonly otherStatuses?: Readonly<Record<number, string>>;
  handler(ctx: RouteContext<z.infer<Q>, z.infer<B>, z.infer<P>>): Promise<z.input<R>>;
}

/**
 * Any route, for the registry. Each route is fully typed where it is defined; `handler` is declared
 * as a method, so a specific route is assignable here (method parameters are bivariant).
 */
export type AnyRoute = RouteDefinition<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;

/** Identity helper that infers the handler's types from the schemas. */
export function defineRoute<
  Q extends z.ZodType = z.ZodObject,
  B extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodObject,
  R extends z.ZodType = z.ZodType,
>(route: RouteDefinition<Q, B, P, R>): RouteDefinition<Q, B, P, R> {
  return route;
}

function invalid(where: string, issues: readonly { field: string; reason: string }[]): never {
  const first = issues[0];
  const field = first === undefined || first.field === '' ? where : first.field;
  throw new LLMTraceError('VALIDATION_FAILED', `${where} ${field}: ${first?.reason ?? 'invalid'}`, {
    details: { field, issues },
  });
}

/**
 * Validates query, path or body input. Query and path schemas are written in wire names already;
 * a body arrives in wire form and is mapped to the schema's internal names first, and issues are
 * reported with wire paths, so a client only ever sees the names it sends.
 */
function parseOrThrow<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  where: 'query' | 'path' | 'body',
): z.infer<T> | undefined {
  if (schema === undefined) return undefined;
  let input = value ?? {};
  if (where === 'body') {
    const mapped = WIRE.fromWire(schema, input);
    if (mapped.issues.length > 0) invalid(where, mapped.issues);
    input = mapped.value ?? {};
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  invalid(
    where,
    result.error.issues.map((i) => ({
      field: WIRE.wirePath(schema, i.path).join('.'),
      reason: i.message,
    })),
  );
}

/**
 * Registers routes on fastify: validates query/params/body with zod (400 with the field and the
 * reason), checks the caller's role, runs the handler and sends its value in wire form.
 */
export function registerRoutes(
  app: FastifyInstance,
  routes: readonly AnyRoute[],
  authenticate: (request: FastifyRequest) => Promise<Principal>,
  authorize: (principal: Principal, role: Role | 'admin_key') => void,
): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        const principal = await authenticate(request);
        authorize(principal, route.role);
        let status = route.status ?? 200;
        const ctx = {
          query: parseOrThrow(route.query, request.query, 'query'),
          params: parseOrThrow(route.params, request.params, 'path'),
          body: parseOrThrow(route.body, request.body, 'body'),
          principal,
          request,
          reply,
          status: (code: number) => {
            status = code;
          },
        };
        const result: unknown = await route.handler(ctx);
        reply.code(status);
        return WIRE.toWire(route.response, result);
      },
    });
  }
}
