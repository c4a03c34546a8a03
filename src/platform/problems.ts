import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';
import { AppError } from './errors.js';
import { roleRequiredBy } from './http.js';
import { IdempotencyKeyHeader } from './idempotency.js';

/**
 * Every problem `code` the server answers with (API.md's, and the platform's refusals of malformed
 * requests), with its status and title.
 */
export const PROBLEM_CODES = {
  validation_failed: { status: 422, title: 'Validation failed' },
  unauthenticated: { status: 401, title: 'Unauthenticated' },
  invalid_credentials: { status: 401, title: 'Invalid credentials' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  insufficient_stock: { status: 409, title: 'Insufficient stock' },
  invalid_state: { status: 409, title: 'Invalid state' },
  idempotency_key_in_use: { status: 409, title: 'Idempotency key in use' },
  idempotency_key_reused: { status: 422, title: 'Idempotency key reused' },
  invalid_signature: { status: 400, title: 'Invalid signature' },
  invalid_token: { status: 400, title: 'Invalid token' },
  mfa_required: { status: 401, title: 'Two-factor code required' },
  email_unverified: { status: 403, title: 'Email not verified' },
  not_shippable: { status: 422, title: 'Not shippable' },
  promotion_not_applicable: { status: 422, title: 'Promotion not applicable' },
  promotion_exhausted: { status: 409, title: 'Promotion exhausted' },
  payout_account_required: { status: 409, title: 'Payout account required' },
  price_changed: { status: 409, title: 'Price changed' },
  bad_request: { status: 400, title: 'Bad request' },
  request_timeout: { status: 408, title: 'Request timeout' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  uri_too_long: { status: 414, title: 'URI too long' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  rate_limited: { status: 429, title: 'Too many requests' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  internal: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** One case a module answers with an error: the API.md `code` it answers with and, where fixed, its detail. */
export interface ErrorCase {
  readonly code: ProblemCode;
  readonly detail?: string;
}

export type ErrorCases = Readonly<Record<string, ErrorCase>>;

type ReasonOf<C extends ErrorCases> = keyof C & string;
type ValidationReasonOf<C extends ErrorCases> = {
  [R in ReasonOf<C>]: C[R]['code'] extends 'validation_failed' ? R : never;
}[ReasonOf<C>];

/** The codes a route may answer with at one status, each with the reasons it may carry. */
type Declared = ReadonlyMap<ProblemCode, ReadonlySet<string>>;

/** An OpenAPI response of a route: problem details at one status. */
export interface ProblemResponse {
  description: string;
  content: { 'application/problem+json': { schema: z.ZodType } };
}

const declaredBy = new WeakMap<ProblemResponse, Declared>();

function problemResponse(declared: Declared): ProblemResponse {
  const codes = [...declared.keys()].sort();
  const reasons = [...new Set([...declared.values()].flatMap((set) => [...set]))].sort();
  const schema = z.looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(codes as [ProblemCode, ...ProblemCode[]]),
    ...(reasons.length > 0 ? { reason: z.enum(reasons as [string, ...string[]]).optional() } : {}),
    detail: z.string(),
    errors: z.array(z.unknown()).optional(),
    request_id: z.string().optional(),
  });
  const description = codes
    .map((code) => {
      const why = [...(declared.get(code) ?? [])].sort();
      return why.length > 0 ? `\`${code}\` (reason ${why.join(', ')})` : `\`${code}\``;
    })
    .join('; ');
  const response: ProblemResponse = { description, content: { 'application/problem+json': { schema } } };
  declaredBy.set(response, declared);
  return response;
}

/** The problem responses, by status, of these (code, reason) pairs; reason undefined for none. */
function responsesOf(
  pairs: Iterable<readonly [ProblemCode, string | undefined]>,
): Record<number, ProblemResponse> {
  const byStatus = new Map<number, Map<ProblemCode, Set<string>>>();
  for (const [code, reason] of pairs) {
    const { status } = PROBLEM_CODES[code];
    const codes = byStatus.get(status) ?? new Map<ProblemCode, Set<string>>();
    byStatus.set(status, codes);
    const reasons = codes.get(code) ?? new Set<string>();
    codes.set(code, reasons);
    if (reason) reasons.add(reason);
  }
  return Object.fromEntries([...byStatus].map(([status, declared]) => [status, problemResponse(declared)]));
}

/** The (code, reason) pairs a problem response documents; none for any other response. */
function pairsOf(response: unknown): [ProblemCode, string | undefined][] {
  const declared = declaredBy.get(response as ProblemResponse);
  if (!declared) return [];
  return [...declared].flatMap(([code, reasons]) => [
    [code, undefined] as [ProblemCode, undefined],
    ...[...reasons].map((reason) => [code, reason] as [ProblemCode, string]),
  ]);
}

/** One route's error responses from several modules' cases, merged per status. */
export function combineResponses(
  ...parts: Record<number, ProblemResponse>[]
): Record<number, ProblemResponse> {
  return responsesOf(parts.flatMap((part) => Object.values(part).flatMap(pairsOf)));
}

/** A module's errors, declared as data (reason → code) in its `*.errors.ts`. */
export interface ModuleErrors<C extends ErrorCases> {
  readonly cases: C;
  /** The AppError of `reason`, with the case's fixed detail unless one is given. */
  error(reason: ReasonOf<C>, detail?: string, errors?: readonly unknown[]): AppError;
  /** A validation case at one field (a JSON pointer into the request). */
  invalidAt(reason: ValidationReasonOf<C>, path: string, message: string): AppError;
  /** A route's OpenAPI error responses for the cases it may answer with (the platform's are added). */
  responses(...reasons: ReasonOf<C>[]): Record<number, ProblemResponse>;
}

/**
 * Declares a module's error cases. Each reason is a stable snake_case name that tells its case apart
 * from others with the same `code`; clients may branch on it, so a reason is never renamed.
 */
export function defineErrors<const C extends ErrorCases>(cases: C): ModuleErrors<C> {
  const error = (reason: ReasonOf<C>, detail?: string, errors?: readonly unknown[]) => {
    const { code, detail: fixed } = cases[reason]!;
    const { status, title } = PROBLEM_CODES[code];
    return new AppError(status, code, title, detail ?? fixed ?? title, errors, {}, reason);
  };
  return {
    cases,
    error,
    invalidAt: (reason, path, message) => error(reason, message, [{ path, message }]),
    responses: (...reasons) => responsesOf(reasons.map((reason) => [cases[reason]!.code, reason] as const)),
  };
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The platform's codes any route of this shape may answer with, whatever its module does. */
function platformCodesOf(route: RouteOptions): ProblemCode[] {
  // Every /v1 route validates its input (unknown query parameters included), may be rate limited, may fail,
  // and refuses a malformed URL.
  const codes: ProblemCode[] = ['validation_failed', 'rate_limited', 'internal', 'bad_request'];
  // A path parameter longer than any id is refused before the route runs.
  if (route.url.includes(':')) codes.push('uri_too_long');
  const role = [route.onRequest ?? []]
    .flat()
    .map(roleRequiredBy)
    .find((found) => found !== undefined);
  if (role !== undefined) codes.push('unauthenticated');
  // A role the caller lacks, or an API key outside its scopes (any guarded route refuses one).
  if (role !== undefined && route.schema?.['x-bazaar-scope'] !== 'public') codes.push('forbidden');
  if ([route.method].flat().some((method) => !READ_METHODS.has(method))) {
    // A body may be too large or not JSON; a write may lose to a concurrent one (retry it).
    codes.push('payload_too_large', 'unsupported_media_type', 'conflict');
  }
  if (route.schema?.headers === IdempotencyKeyHeader)
    codes.push('idempotency_key_in_use', 'idempotency_key_reused');
  return codes;
}

/**
 * Completes every /v1 route's OpenAPI responses with the problems the platform answers for it
 * (authentication, validation, idempotency, limits), merged with the module's own per status. Must
 * be added before the routes. Documentation only: problem bodies are sent as serialised text, so a
 * route's error schemas never change or refuse an answer.
 */
export function documentProblemResponses(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/') || route.schema?.hide) return;
    const declared = (route.schema?.response ?? {}) as Record<string, unknown>;
    const pairs: [ProblemCode, string | undefined][] = platformCodesOf(route).map((code) => [
      code,
      undefined,
    ]);
    const others: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(declared)) {
      const problems = pairsOf(response);
      if (problems.length === 0) others[status] = response;
      pairs.push(...problems);
    }
    route.schema = { ...route.schema, response: { ...others, ...responsesOf(pairs) } };
  });
}
