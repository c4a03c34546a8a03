/**
 * A POST route's work minus HTTP, for the in-process limits routes are compared to: the app's own
 * Idempotency runs with stand-ins for the request and the reply, so the SQL is the route's to the
 * statement (the caller lookup the route's guard makes is the caller's to do).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Caller } from '../src/platform/http.js';
import type { IdempotentAnswer } from '../src/platform/idempotency.js';
import { newId } from '../src/platform/ids.js';

export interface RouteCall {
  /** The route's URL pattern, e.g. `/v1/payments/:id/confirm`: the idempotency scope names it. */
  url: string;
  params?: Record<string, string>;
  body: unknown;
}

/** Runs `work` as the route would, under a fresh Idempotency-Key; answers the status and body sent. */
export async function idempotentWithoutHttp(
  services: Services,
  caller: Caller,
  route: RouteCall,
  work: (answer: IdempotentAnswer) => Promise<{ status: number; body: string }>,
): Promise<{ status: number; body: string }> {
  const request = {
    id: 'bench',
    method: 'POST',
    routeOptions: { url: route.url },
    params: route.params ?? {},
    headers: { 'idempotency-key': newId('chk') },
    body: route.body,
    caller,
  } as unknown as FastifyRequest;
  let status = 0;
  let body = '';
  const reply = {
    status(code: number) {
      status = code;
      return reply;
    },
    type: () => reply,
    header: () => reply,
    headers: () => reply,
    send(payload: string) {
      body = payload;
      return reply;
    },
  } as unknown as FastifyReply;
  await services.idempotency.run(request, reply, work);
  return { status, body };
}

/** The server's configuration, so that in-process loads use the same pool size and settings. */
export const serverConfig = (databaseUrl: string) =>
  loadConfig({ ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' });
