import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { declaredReasons, loadErrorCatalogues } from '../../test/error-catalogues.js';
import {
  BadRequest,
  Conflict,
  Forbidden,
  HeadersTooLarge,
  InvalidCredentials,
  InvalidState,
  NotFound,
  PayloadTooLarge,
  problemOf,
  RateLimited,
  RequestTimeout,
  ServiceUnavailable,
  Unauthenticated,
  UnsupportedMediaType,
  UriTooLong,
  ValidationFailed,
} from './errors.js';
import { IdempotencyKeyInUse, IdempotencyKeyReused } from './idempotency.js';
import { defineErrors, PROBLEM_CODES } from './problems.js';

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

const sut = defineErrors({
  thing_not_found: { code: 'not_found', detail: 'The thing does not exist.' },
  thing_busy: { code: 'invalid_state' },
  thing_too_big: { code: 'validation_failed' },
});

describe('defineErrors', () => {
  it('builds the AppError of a reason with the status and title of its code', () => {
    const error = sut.error('thing_busy', 'The thing is busy.');
    expect(error).toMatchObject({
      status: 409,
      code: 'invalid_state',
      title: 'Invalid state',
      reason: 'thing_busy',
      message: 'The thing is busy.',
    });
    expect(sut.error('thing_not_found').message).toBe('The thing does not exist.');
  });

  it('puts a validation case at its field', () => {
    expect(sut.invalidAt('thing_too_big', '/size', 'at most 3')).toMatchObject({
      status: 422,
      code: 'validation_failed',
      reason: 'thing_too_big',
      errors: [{ path: '/size', message: 'at most 3' }],
    });
  });

  it('serves the reason right after the code, and none for the platform errors', () => {
    expect(JSON.stringify(problemOf(sut.error('thing_busy', 'Busy.'), 'req-1'))).toBe(
      '{"type":"urn:bazaar:problem:invalid_state","title":"Invalid state","status":409,"code":"invalid_state","reason":"thing_busy","detail":"Busy.","request_id":"req-1"}',
    );
    expect(problemOf(new Conflict('x'))).not.toHaveProperty('reason');
  });

  it('documents each reason under the status of its code', () => {
    const responses = sut.responses('thing_not_found', 'thing_busy');
    expect(Object.keys(responses)).toEqual(['404', '409']);
    expect(responses[409]!.description).toBe('`invalid_state` (reason thing_busy)');
  });
});

describe('the platform errors', () => {
  it('answer with the status and title their code has in the table', () => {
    const errors = [
      new ValidationFailed([]),
      new Unauthenticated(),
      new InvalidCredentials(),
      new Forbidden(),
      new NotFound(),
      new Conflict('x'),
      new InvalidState('x'),
      new RateLimited(1),
      new PayloadTooLarge(),
      new UnsupportedMediaType(),
      new IdempotencyKeyInUse(),
      new IdempotencyKeyReused(),
      new BadRequest(),
      new RequestTimeout(),
      new UriTooLong(),
      new HeadersTooLarge(),
      new ServiceUnavailable(1),
    ];
    for (const error of errors) {
      const { status, title } = PROBLEM_CODES[error.code as keyof typeof PROBLEM_CODES];
      expect({ code: error.code, status: error.status, title: error.title }).toEqual({
        code: error.code,
        status,
        title,
      });
    }
  });
});

describe("the modules' error catalogues", () => {
  it('exist for every module, in <module>.errors.ts', async () => {
    for (const { module, file, catalogues } of await loadErrorCatalogues()) {
      expect({ module, file }).toEqual({ module, file: `${module}/${module}.errors.ts` });
      expect(catalogues.length, module).toBeGreaterThan(0);
    }
  });

  it('declare unique snake_case reasons, each answering with a code API.md names', async () => {
    const reasons = await declaredReasons();
    expect(reasons.length).toBeGreaterThan(0);
    for (const { module, reason, code } of reasons) {
      expect(reason, module).toMatch(SNAKE_CASE);
      expect(Object.keys(PROBLEM_CODES), `${module}: ${reason}`).toContain(code);
    }
    const perModule = reasons.map(({ module, reason }) => `${module}: ${reason}`);
    expect(new Set(perModule).size).toBe(perModule.length);
  });

  it('give a reason one meaning: a reason two modules declare answers with one code', async () => {
    const codesOf = new Map<string, Set<string>>();
    for (const { reason, code } of await declaredReasons()) {
      codesOf.set(reason, (codesOf.get(reason) ?? new Set()).add(code));
    }
    const ambiguous = [...codesOf].filter(([, codes]) => codes.size > 1).map(([reason]) => reason);
    expect(ambiguous).toEqual([]);
  });
});

/** API.md beside the checkout (CI, the integration checkout) or two levels up (a worktree). */
const apiMd = ['../../../shared/API.md', '../../../../shared/API.md']
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((candidate) => existsSync(candidate));

/**
 * Codes the server answers with beyond API.md's list: refusals of requests it cannot read at all
 * (security headers work) and 503 while the password hash queue is full (throttle work).
 */
const BEYOND_API_MD = [
  'bad_request',
  'request_timeout',
  'uri_too_long',
  'headers_too_large',
  'service_unavailable',
];

describe.skipIf(apiMd === undefined)('the problem code table', () => {
  it("is API.md's list of codes, with their statuses, and the platform's refusals beyond it", () => {
    const text = readFileSync(apiMd!, 'utf8').replace(/\s+/g, ' ');
    const list = /Codes: (.*?)\. A business outcome/.exec(text)?.[1] ?? '';
    const named = Object.fromEntries(
      [...list.matchAll(/`([a-z_]+)` \((\d{3})/g)].map(([, code, status]) => [code, Number(status)]),
    );
    expect(Object.keys(named).length).toBeGreaterThan(20);
    expect(named).toEqual(
      Object.fromEntries(
        Object.entries(PROBLEM_CODES)
          .filter(([code]) => !BEYOND_API_MD.includes(code))
          .map(([code, { status }]) => [code, status]),
      ),
    );
    for (const code of BEYOND_API_MD) expect(Object.keys(PROBLEM_CODES)).toContain(code);
  });
});
