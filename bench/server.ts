/**
 * The server under load, in a process of its own so that it does not share an event loop with the
 * load generator. Started by bench/run.ts with the bench database in DATABASE_URL; answers the
 * port it listens on over IPC and stops on SIGTERM.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, buildServices, LISTEN_BACKLOG, type Services } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { findUserById } from '../src/modules/identity/identity.repo.js';
import { openDatabase } from '../src/platform/db.js';

export interface ListeningMessage {
  type: 'listening';
  port: number;
}

/** The yardsticks the API's routes are compared to; they exist only in this process. */
function referenceRoutes(services: Services) {
  return (app: FastifyInstance) => {
    // The ceiling: Fastify and the app's hooks, no database.
    app.get('/__bench/bare', async () => ({ ok: true }));
    // One primary-key SELECT through the app's pool: the least an authenticated read can cost.
    app.get<{ Querystring: { id?: string } }>('/__bench/select-one', async (request, reply) => {
      const user = await findUserById(services.db, request.query.id ?? '');
      if (!user) return reply.status(404).send({ ok: false });
      return { id: user.id, email: user.email, name: user.name };
    });
  };
}

const config = loadConfig();
if (!config.databaseUrl) throw new Error('the bench server needs DATABASE_URL');
const db = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: config.dbPoolSize });
const services = buildServices(config, db);
const app = await buildApp(services, { extraRoutes: referenceRoutes(services) });
await app.listen({ host: config.host, port: config.port, backlog: LISTEN_BACKLOG });
const address = app.server.address();
if (!address || typeof address === 'string') throw new Error('the bench server has no TCP address');
process.send?.({ type: 'listening', port: address.port } satisfies ListeningMessage);

const stop = async () => {
  await app.close();
  await services.close();
  await db.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
// The bench died without stopping us: do not linger.
process.once('disconnect', stop);
