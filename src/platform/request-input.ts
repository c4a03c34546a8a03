import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type FieldError, ValidationFailed } from './errors.js';

/**
 * Rules all request input follows before any route's schema sees it (API.md, Conventions):
 * strings never hold a NUL character (PostgreSQL's text cannot store one, so it would end in a
 * 500), and `/v1` routes take no query parameter their schema does not name.
 */

const NUL = '\u0000';
/** How a NUL is written inside JSON text; a raw one is not valid JSON at all. */
const ESCAPED_NUL = '\\u0000';

const pointerSegment = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
const refuseNulAt = (path: string) => ValidationFailed.at(path, 'must not contain a NUL character');

/** The JSON pointer of the first string (or object key) holding a NUL, under `path`. */
export function nulPathOf(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? path || '/' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    const itemPath = `${path}/${pointerSegment(key)}`;
    if (key.includes(NUL)) return itemPath;
    const found = nulPathOf(item, itemPath);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuses a parsed JSON body at the field when one of its strings holds a NUL. The walk runs only
 * when the text has an escaped NUL at all, so an ordinary body costs one scan of its text.
 */
export function assertNoNulInJson(text: string, body: unknown): void {
  if (!text.includes(ESCAPED_NUL)) return;
  const path = nulPathOf(body);
  if (path) throw refuseNulAt(path);
}

/** The parameter (path or query) holding a NUL in its name or any of its values, if one does. */
function nulParameter(parameters: unknown, prefix: string): string | undefined {
  if (typeof parameters !== 'object' || parameters === null) return undefined;
  for (const [name, value] of Object.entries(parameters)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (name.includes(NUL) || values.some((v) => typeof v === 'string' && v.includes(NUL))) {
      return `${prefix}/${pointerSegment(name)}`;
    }
  }
  return undefined;
}

const NO_NAMES: ReadonlySet<string> = new Set();
const namesBySchema = new WeakMap<object, ReadonlySet<string>>();

/** The query parameters a route's querystring schema names (none without one). */
function queryNamesOf(schema: unknown): ReadonlySet<string> | undefined {
  if (schema === undefined) return NO_NAMES;
  if (!(schema instanceof z.ZodObject)) return undefined;
  let names = namesBySchema.get(schema);
  if (!names) {
    names = new Set(Object.keys(schema.shape));
    namesBySchema.set(schema, names);
  }
  return names;
}

/**
 * Checks path and query parameters on every route, before the body, the query or the headers are
 * validated, so the answer names the offending parameter whatever else is wrong.
 */
export function registerInputRules(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/v1/') && !queryNamesOf(route.schema?.querystring)) {
      throw new Error(`${route.url}: a /v1 querystring schema is a zod object, so unknown names are known`);
    }
  });
  app.addHook('preValidation', async (request) => {
    const nulAt = nulParameter(request.params, '/params') ?? nulParameter(request.query, '/query');
    if (nulAt) throw refuseNulAt(nulAt);
    if (!request.routeOptions.url?.startsWith('/v1/')) return;
    const known = queryNamesOf(request.routeOptions.schema?.querystring) ?? NO_NAMES;
    const unknown: FieldError[] = Object.keys(request.query as object)
      .filter((name) => !known.has(name))
      .map((name) => ({ path: `/query/${pointerSegment(name)}`, message: 'unknown query parameter' }));
    if (unknown.length > 0) {
      throw new ValidationFailed(unknown, unknown.map((e) => `${e.path}: ${e.message}`).join('; '));
    }
  });
}
