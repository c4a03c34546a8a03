import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import client from 'prom-client';
import { z } from 'zod';
import { Forbidden, Unauthenticated } from './errors.js';
import { hashToken } from './tokens.js';

export type Role = 'buyer' | 'seller' | 'admin';

/** What an API key may be allowed to do; `admin` only on keys an admin makes. */
export const API_KEY_SCOPES = [
  'products:read',
  'products:write',
  'orders:read',
  'orders:write',
  'payouts:read',
  'webhooks:write',
  'admin',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * What every /v1 route declares as `x-bazaar-scope` in its schema (and so in its OpenAPI
 * operation): the scope an API key needs to call it; `public` for a route that needs no sign-in (a
 * key there acts as nobody); `session` for one only a signed-in person may call (buyer journeys,
 * account security, API keys themselves), which refuses every key.
 */
export type RouteScope = ApiKeyScope | 'public' | 'session';

/** The API key a caller acts through: the key's owner is the caller, within the key's scopes. */
export interface ApiKeyGrant {
  id: string;
  name: string;
  scopes: readonly ApiKeyScope[];
}

/** Who is calling, as resolved from the bearer token. */
export interface Caller {
  id: string;
  email: string;
  /** The user proved to receive mail at `email`. */
  emailVerified: boolean;
  name: string;
  roles: Role[];
  shop: { id: string; name: string } | null;
  createdAt: Date;
  /** Whether the caller signs in with a second factor (TOTP). */
  twoFactorEnabled: boolean;
  /** Identifies the caller's current session (the SHA-256 of its token, or of its API key's secret). */
  sessionKey: Buffer;
  /** Set when the caller acts through an API key rather than a session. */
  apiKey?: ApiKeyGrant | undefined;
}

/** A guest's bearer secret: a cart token (`Bazaar-Cart-Token`) or an order token (`Bazaar-Order-Token`). */
export interface GuestToken {
  kind: GuestTokenKind;
  /** Its SHA-256: all that is stored and compared. */
  hash: Buffer;
}

export type GuestTokenKind = 'cart' | 'order';

/** The header each kind of guest token travels in. */
export const GUEST_TOKEN_HEADERS: Readonly<Record<GuestTokenKind, string>> = {
  cart: 'bazaar-cart-token',
  order: 'bazaar-order-token',
};

declare module 'fastify' {
  interface FastifySchema {
    'x-bazaar-scope'?: RouteScope;
  }
  interface FastifyRequest {
    caller: Caller | null;
    /** The guest token sent, on routes that take one. */
    guestToken: GuestToken | null;
  }
}

/**
 * Refuses (403) an API key on a route outside its scopes: a session-only route, a route that
 * declares no scope (so a route added without thinking of keys fails closed), or a scope the key
 * lacks. Central, from the route's own schema, so no handler can forget it.
 */
function assertKeyMayCall(key: ApiKeyGrant, scope: RouteScope | undefined): void {
  if (scope === undefined || scope === 'session') {
    throw new Forbidden('API keys may not call this route; sign in instead.');
  }
  if (scope !== 'public' && !key.scopes.includes(scope)) {
    throw new Forbidden(`This API key lacks the scope ${scope}.`);
  }
}

/** The `x-bazaar-scope` a request's route declares. */
export const routeScopeOf = (request: FastifyRequest): RouteScope | undefined =>
  request.routeOptions.schema?.['x-bazaar-scope'];

/** Resolves a bearer token to its caller, or null when the token is unknown, expired or revoked. */
export type Authenticate = (token: string) => Promise<Caller | null>;

export type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface AuthGuards {
  /** Any signed-in user. */
  user: Guard;
  seller: Guard;
  admin: Guard;
  /** Resolves the caller when a valid token is sent; otherwise the request stays anonymous. */
  optional: Guard;
  /**
   * A signed-in user, or a guest holding a token of this kind (401 with neither). A bearer token
   * that is sent must be valid; the guest token is kept beside it, and its owner checks it.
   */
  userOrGuest(kind: GuestTokenKind): Guard;
}

/** The guest token of a kind a request carries, hashed; undefined when it sends none. */
export function guestTokenOf(request: FastifyRequest, kind: GuestTokenKind): GuestToken | undefined {
  const sent = request.headers[GUEST_TOKEN_HEADERS[kind]];
  return typeof sent === 'string' && sent.length > 0 ? { kind, hash: hashToken(sent) } : undefined;
}

const bearerToken = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
};

/** The role each guard requires (null: any signed-in user), so route documentation can name 401 and 403. */
const guardRoles = new WeakMap<object, Role | null>();

/** The role a route hook requires, null for any signed-in user; undefined when it is no such guard. */
export const roleRequiredBy = (hook: unknown): Role | null | undefined =>
  typeof hook === 'function' ? guardRoles.get(hook) : undefined;

export interface AuthGuardOptions {
  /** Admin routes refuse (403) an admin who has not turned two-factor sign-in on (BAZAAR_REQUIRE_ADMIN_2FA). */
  adminsNeedTwoFactor?: boolean;
}

export function createAuthGuards(authenticate: Authenticate, options: AuthGuardOptions = {}): AuthGuards {
  const resolve = async (request: FastifyRequest): Promise<Caller | null> => {
    if (request.caller) return request.caller;
    const token = bearerToken(request);
    const caller = token ? await authenticate(token) : null;
    if (caller?.apiKey) {
      const scope = routeScopeOf(request);
      assertKeyMayCall(caller.apiKey, scope);
      // On a public route a key grants nothing: it is served as anyone would be, not as its owner.
      if (scope === 'public') return null;
    }
    request.caller = caller;
    return request.caller;
  };
  const requireRole = (role: Role | null): Guard => {
    const guard: Guard = async (request) => {
      const caller = await resolve(request);
      if (!caller) throw new Unauthenticated();
      if (role && !caller.roles.includes(role)) {
        throw new Forbidden(role === 'seller' ? 'Open a shop first.' : `This needs the ${role} role.`);
      }
      if (role === 'admin' && options.adminsNeedTwoFactor && !caller.twoFactorEnabled) {
        throw new Forbidden('Turn on two-factor sign-in before using admin routes.');
      }
    };
    guardRoles.set(guard, role);
    return guard;
  };
  const userOrGuest = new Map<GuestTokenKind, Guard>();
  for (const kind of ['cart', 'order'] as const) {
    const guard: Guard = async (request) => {
      request.guestToken = guestTokenOf(request, kind) ?? null;
      const sentBearer = bearerToken(request) !== undefined;
      if (sentBearer || !request.guestToken) {
        if (!(await resolve(request))) throw new Unauthenticated();
      }
    };
    // Documented like `user`: without a valid bearer or guest token, 401.
    guardRoles.set(guard, null);
    userOrGuest.set(kind, guard);
  }
  return {
    userOrGuest: (kind) => userOrGuest.get(kind)!,
    user: requireRole(null),
    seller: requireRole('seller'),
    admin: requireRole('admin'),
    optional: async (request) => {
      await resolve(request);
    },
  };
}

/** The caller of a route guarded by `user`, `seller` or `admin`. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Unauthenticated();
  return request.caller;
}

/**
 * Who a request acts as, for idempotency scopes: the signed-in user, else the guest token's hash
 * (a guest's caller is its cart or order token).
 */
export function actorKeyOf(request: FastifyRequest): string {
  if (request.caller) return request.caller.id;
  if (request.guestToken) return `${request.guestToken.kind}:${request.guestToken.hash.toString('hex')}`;
  throw new Unauthenticated();
}

/**
 * Who reads or acts on orders and payments: the signed-in caller, a guest's order token
 * (`Bazaar-Order-Token`), or both (either may grant access).
 */
export interface OrderAccess {
  caller: Caller | null;
  orderTokenHash: Buffer | null;
}

/** A signed-in caller's access (no order token), or the access as it is. */
export const asOrderAccess = (access: Caller | OrderAccess): OrderAccess =>
  'orderTokenHash' in access ? access : { caller: access, orderTokenHash: null };

/** The access of a route guarded by `userOrGuest('order')`. */
export function orderAccessOf(request: FastifyRequest): OrderAccess {
  return {
    caller: request.caller,
    orderTokenHash: request.guestToken?.kind === 'order' ? request.guestToken.hash : null,
  };
}

/** Whether the access's order token is the one stored (its hash) on an order or payment. */
export function holdsOrderToken(access: OrderAccess, stored: Uint8Array | null): boolean {
  return access.orderTokenHash !== null && stored !== null && access.orderTokenHash.equals(stored);
}

/** The OpenAPI response of a route that answers 204 with no body. */
export const NoContent = z.null().describe('No content');

/** The OpenAPI security requirement of guarded routes. */
export const bearerSecurity = [{ bearerAuth: [] }];

/** Routes a guest may call with a cart or order token instead of signing in. */
export const guestSecurity = (kind: GuestTokenKind) => [
  { bearerAuth: [] },
  { [kind === 'cart' ? 'cartToken' : 'orderToken']: [] },
];

/** Request counts and latency by route, on the app's own registry so test apps don't collide. */
export function registerHttpMetrics(app: FastifyInstance, registry: client.Registry): void {
  const requests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: reply.statusCode });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}

/**
 * A client's `X-Request-Id` is kept only when it is 1–64 characters of `[A-Za-z0-9._-]`: it is
 * echoed into headers, problem bodies and every log line of the request, so anything longer or
 * odder (an 8,000-character value, a newline) is replaced by one of the server's own.
 */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function requestIdOf(request: IncomingMessage): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && CLIENT_REQUEST_ID.test(sent) ? sent : randomUUID();
}
