/** A JSON-pointer path into the request and what is wrong there. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * An expected business outcome: a stable machine-readable `code`, an HTTP status, and an
 * optional `errors` list. Everything that is not an AppError is a bug and answers 500. A module's
 * errors also carry a `reason` (declared in its `*.errors.ts`) that tells its cases apart where
 * API.md gives several the same `code`; the platform's own errors have none.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail?: string,
    readonly errors?: readonly unknown[],
    readonly headers: Record<string, string> = {},
    readonly reason?: string,
  ) {
    super(detail ?? title);
    this.name = 'AppError';
  }

  /** Members a problem of this kind adds beside the standard ones (e.g. `current_total`). */
  get extensions(): Readonly<Record<string, unknown>> | undefined {
    return undefined;
  }
}

export class ValidationFailed extends AppError {
  constructor(errors: FieldError[], detail = 'The request is not valid.') {
    super(422, 'validation_failed', 'Validation failed', detail, errors);
  }

  static at(path: string, message: string): ValidationFailed {
    return new ValidationFailed([{ path, message }], message);
  }
}

export class Unauthenticated extends AppError {
  constructor(detail = 'A valid bearer token is required.') {
    super(401, 'unauthenticated', 'Unauthenticated', detail);
  }
}

export class InvalidCredentials extends AppError {
  constructor() {
    super(401, 'invalid_credentials', 'Invalid credentials', 'The email or password is wrong.');
  }
}

export class Forbidden extends AppError {
  constructor(detail = 'You may not do this.') {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}

export class NotFound extends AppError {
  constructor(what = 'resource') {
    super(404, 'not_found', 'Not found', `The ${what} does not exist.`);
  }
}

export class Conflict extends AppError {
  constructor(detail: string) {
    super(409, 'conflict', 'Conflict', detail);
  }
}

export class InvalidState extends AppError {
  constructor(detail: string) {
    super(409, 'invalid_state', 'Invalid state', detail);
  }
}

/** Too many requests; `reason` (a module's declared case) says which limit, when it is not the global one. */
export class RateLimited extends AppError {
  constructor(retryAfterSeconds: number, reason?: string) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(
      429,
      'rate_limited',
      'Too many requests',
      `Try again in ${seconds} s.`,
      undefined,
      { 'retry-after': String(seconds) },
      reason,
    );
  }
}

/** The server is too busy for this request right now; the client may retry after `Retry-After`. */
export class ServiceUnavailable extends AppError {
  constructor(retryAfterSeconds: number, reason?: string, detail = 'The server is busy; try again shortly.') {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(
      503,
      'service_unavailable',
      'Service unavailable',
      detail,
      undefined,
      { 'retry-after': String(seconds) },
      reason,
    );
  }
}

export class PayloadTooLarge extends AppError {
  constructor(detail = 'The request body is too large.') {
    super(413, 'payload_too_large', 'Payload too large', detail);
  }
}

export class UnsupportedMediaType extends AppError {
  constructor(detail = 'This content type is not supported here.') {
    super(415, 'unsupported_media_type', 'Unsupported media type', detail);
  }
}

/** A request the server cannot read at all: a malformed URL or request line, a bad header. */
export class BadRequest extends AppError {
  constructor(detail = 'The request is malformed.') {
    super(400, 'bad_request', 'Bad request', detail);
  }
}

/** A path segment longer than any id (Fastify's `maxParamLength`). */
export class UriTooLong extends AppError {
  constructor() {
    super(414, 'uri_too_long', 'URI too long', 'A part of the path is longer than the server accepts.');
  }
}

export class HeadersTooLarge extends AppError {
  constructor() {
    super(431, 'headers_too_large', 'Request header fields too large', 'The URL or headers are too large.');
  }
}

export class RequestTimeout extends AppError {
  constructor() {
    super(408, 'request_timeout', 'Request timeout', 'The request was not received in time.');
  }
}

/** The shape of every error body (RFC 9457), as served. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  reason?: string;
  detail: string;
  errors?: readonly unknown[];
  request_id?: string;
  [extension: string]: unknown;
}

export function problemOf(error: AppError, requestId?: string): Problem {
  return {
    type: `urn:bazaar:problem:${error.code}`,
    title: error.title,
    status: error.status,
    code: error.code,
    ...(error.reason ? { reason: error.reason } : {}),
    detail: error.message,
    ...(error.errors ? { errors: error.errors } : {}),
    ...error.extensions,
    ...(requestId ? { request_id: requestId } : {}),
  };
}

const pgErrorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

export const isUniqueViolation = (error: unknown): boolean => pgErrorCode(error) === '23505';
/** Serialization failure or deadlock: the transaction may succeed if run again. */
export const isRetryableTransactionError = (error: unknown): boolean => {
  const code = pgErrorCode(error);
  return code === '40001' || code === '40P01';
};

interface ValidationIssue {
  instancePath: string;
  message?: string | undefined;
  keyword?: string;
  params?: Record<string, unknown>;
}

const CONTEXT_PREFIX: Record<string, string> = {
  body: '',
  querystring: '/query',
  params: '/params',
  headers: '/headers',
};

/** Fastify/zod validation issues as JSON-pointer field errors; unknown keys are named one by one. */
export function fieldErrorsOf(issues: readonly ValidationIssue[], context: string | undefined): FieldError[] {
  const prefix = CONTEXT_PREFIX[context ?? 'body'] ?? '';
  const base = (instancePath: string) => `${prefix}${instancePath === '/' ? '' : instancePath}`;
  return issues.flatMap((issue) => {
    const keys = issue.params?.keys;
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      return keys.map((key) => ({
        path: `${base(issue.instancePath)}/${String(key)}`,
        message: 'unknown field',
      }));
    }
    return [{ path: base(issue.instancePath) || '/', message: issue.message ?? 'is invalid' }];
  });
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  validation?: ValidationIssue[];
  validationContext?: string;
  message: string;
}

const isFastifyLikeError = (error: unknown): error is FastifyLikeError =>
  error instanceof Error && ('statusCode' in error || 'validation' in error || 'code' in error);

/**
 * Turns anything thrown while handling a request into an AppError. Answers undefined for a bug,
 * which the caller logs and answers as 500 `internal`.
 */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (isUniqueViolation(error)) return new Conflict('This conflicts with an existing resource.');
  if (isRetryableTransactionError(error)) {
    return new Conflict('The resource was changed concurrently; retry the request.');
  }
  if (!isFastifyLikeError(error)) return undefined;
  if (error.validation) {
    const errors = fieldErrorsOf(error.validation, error.validationContext);
    return new ValidationFailed(errors, errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new UnsupportedMediaType();
    case 'FST_ERR_BAD_URL':
      return new BadRequest('The URL is malformed.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new UriTooLong();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return ValidationFailed.at('/', 'the body is not valid JSON');
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return ValidationFailed.at('/', error.message);
  }
  if (error.statusCode === 413) return new PayloadTooLarge();
  if (error.statusCode === 415) return new UnsupportedMediaType();
  return undefined;
}
