import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/** Helmet's options as @fastify/helmet types them (helmet's own ESM types are a separate copy). */
export type SecurityHeaderOptions = FastifyHelmetOptions;

/** Hashes of the inline scripts and styles a page needs (@fastify/swagger-ui's `swaggerCSP`). */
export interface InlineHashes {
  script: readonly string[];
  style: readonly string[];
}

/** A year: how long a browser keeps to https once it has seen the site over it. */
const HSTS_MAX_AGE_SECONDS = 31_536_000;

export const isHttps = (publicUrl: string): boolean => new URL(publicUrl).protocol === 'https:';

/**
 * The headers on every answer. Scripts, styles, frames and connections come from this origin only
 * (the web app is one bundle; /docs loads its assets from here), nothing may frame the site (the
 * seller center's payout form is not to be clicked through someone else's page), and images may
 * come from any https host (product pictures are URLs). Transport security and the upgrade of
 * insecure requests only where the public URL is https: over plain http they would lock browsers
 * out of a site that has no certificate.
 */
export function securityHeaderOptions(publicUrl: string, docs: InlineHashes): SecurityHeaderOptions {
  const https = isHttps(publicUrl);
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        imgSrc: ["'self'", 'https:', 'data:'],
        scriptSrc: ["'self'", ...docs.script],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", ...docs.style],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: true } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  };
}

/** Sets the headers on every answer of `app`'s routes, its not-found handler and its errors. */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  options: SecurityHeaderOptions,
): Promise<void> {
  await app.register(fastifyHelmet, { ...options, global: true });
}

/**
 * The same headers as name → value, for answers written before any hook runs (Fastify's own
 * rejections of a malformed request). Computed once by running helmet against a recorder.
 */
export function securityHeadersOf(options: SecurityHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options as Parameters<typeof helmet>[0])(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error;
    },
  );
  return headers;
}
