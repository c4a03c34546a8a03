import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `vite build` puts the web app (web/vite.config.ts). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths that belong to the server, never to the web app's client-side routes. */
const SERVER_PATHS = /^\/(v1|media|docs|openapi\.json|metrics|healthz|readyz)(\/|$|\?)/;

export const isBuilt = (dist = WEB_DIST): boolean => existsSync(path.join(dist, 'index.html'));

/**
 * Serves the built web app at `/`: its hashed assets for a year, everything else revalidated.
 * A GET of a path the server does not own answers with index.html, so that a link into a
 * client-side route (a product page, say) loads the app. Without a build, nothing is registered.
 * Returns the not-found fallback for the app's not-found handler, or undefined.
 */
export async function serveWebApp(
  app: FastifyInstance,
  dist: string,
): Promise<((request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined) | undefined> {
  if (!isBuilt(dist)) return undefined;
  await app.register(fastifyStatic, {
    root: dist,
    wildcard: false,
    index: ['index.html'],
    setHeaders(response, file) {
      const hashed = file.includes(`${path.sep}assets${path.sep}`);
      response.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return (request, reply) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || SERVER_PATHS.test(request.url))
      return undefined;
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };
}

/** Builds the web app into `dist` (what `npm start` does on a fresh checkout). */
export async function buildWebApp(dist = WEB_DIST): Promise<void> {
  const { build } = await import('vite');
  const configFile = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));
  await build({ configFile, logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } });
}
