import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { type BuildAppOptions, buildApp, buildServices, type Services } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { PasswordAlgorithm } from '../src/modules/identity/index.js';
import type { WebhookTransport } from '../src/modules/payments/index.js';
import type { Resolve } from '../src/modules/webhooks/index.js';
import type { WindowCounters } from '../src/platform/counters.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export interface TestApp extends TestDatabase {
  app: FastifyInstance;
  services: Services;
  close(): Promise<void>;
}

/** The real app on a fresh database of its own; `env` overrides configuration variables. */
export async function createTestApp(
  options: {
    env?: Record<string, string>;
    counters?: WindowCounters;
    database?: TestDatabase;
    /** A built web app to serve at `/`. */
    webDist?: string;
    /** How passwords are hashed and checked (default argon2id). */
    passwordAlgorithm?: PasswordAlgorithm;
    /** The app's logger instead of the configuration's (to read its lines). */
    logger?: FastifyServerOptions['logger'];
    /** How outbound webhooks resolve host names (a stand-in for DNS). */
    webhookResolve?: Resolve;
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    BAZAAR_DATA_DIR: '/tmp/bazaar-test-data',
    ...options.env,
  });
  // The sandbox's webhooks reach this app in-process: delivered when the test runs the due jobs.
  let app: FastifyInstance | undefined;
  const webhookTransport: WebhookTransport = async ({ url, headers, body }) => {
    if (!app) throw new Error('the test app is not built yet');
    const response = await app.inject({ method: 'POST', url: new URL(url).pathname, headers, payload: body });
    return { status: response.statusCode };
  };
  const services = buildServices(config, database.db, options.counters, {
    webhookTransport,
    ...(options.passwordAlgorithm ? { passwordAlgorithm: options.passwordAlgorithm } : {}),
    ...(options.webhookResolve ? { webhookResolve: options.webhookResolve } : {}),
  });
  const appOptions: BuildAppOptions = {};
  if (options.webDist) appOptions.webDist = options.webDist;
  if (options.logger) appOptions.logger = options.logger;
  app = await buildApp(services, appOptions);
  return {
    ...database,
    app,
    services,
    async close() {
      await app.close();
      await services.close();
      if (!options.database) await database.db.close();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
