import path from 'node:path';
import pino from 'pino';
import { buildApp, buildServices, LISTEN_BACKLOG, loggerOptions, type Services } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { runRecsCommand } from './modules/recommendations/evaluate.cli.js';
import { type Database, openDatabase } from './platform/db.js';
import { METRICS_HOST } from './platform/metrics-server.js';
import { migrate } from './platform/migrate.js';
import { buildWebApp, isBuilt, WEB_DIST } from './platform/web.js';
import { seedBenchCatalog } from './seed/bench-catalog.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from './seed/demo.js';
import { startWorker } from './worker.js';

const USAGE = `usage: bazaar <command>
  start               migrate, then serve the API and the web app (built on first start) and run
                      the worker in one process (npm start)
  serve               serve the API (and the web app if built: npm run build:web)
  worker              run background jobs
  migrate             apply database migrations
  seed --demo         load the demo marketplace
  seed --bench [--products N]
                      load N generated products (default 10000) for benchmarks
  admin grant <email> make a registered user an admin
  recs evaluate --interactions <csv[.gz]> [--items <csv[.gz]>] [--protocol loo-full|loo-sampled-100] [--json]
                      offline evaluation of the recommender (no database)`;

async function openDb(config: Config): Promise<Database> {
  return openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: path.join(config.dataDir, 'db'),
    poolSize: config.dbPoolSize,
  });
}

type Stoppable = { stop(): Promise<void> } | { close(): Promise<unknown> };

/** Stops in order on SIGTERM/SIGINT: in-flight requests finish, then jobs, then connections. */
function stopOnSignals(log: pino.Logger, parts: Stoppable[]): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timeout = setTimeout(() => {
      log.error('shutdown took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000);
    timeout.unref();
    for (const part of parts) {
      try {
        await ('stop' in part ? part.stop() : part.close());
      } catch (error) {
        log.error({ err: error }, 'error while shutting down');
      }
    }
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

async function shouldSeedDemo(config: Config, services: Services): Promise<boolean> {
  if (config.seedDemo !== undefined) return config.seedDemo;
  return services.db.kind === 'embedded' && !(await services.identity.hasAnyUser());
}

async function run(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  const config = loadConfig();
  const log = pino(loggerOptions(config) as pino.LoggerOptions);

  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return;
  }
  if (command === 'recs') {
    await runRecsCommand(args);
    return;
  }

  const db = await openDb(config);
  const applied = await migrate(db);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  const services = buildServices(config, db);

  switch (command) {
    case 'migrate':
    case 'seed':
    case 'admin': {
      try {
        if (command === 'seed' && args.includes('--bench')) {
          const products = args.includes('--products')
            ? Number(args[args.indexOf('--products') + 1])
            : 10_000;
          if (!Number.isInteger(products) || products < 1)
            throw new Error('--products needs a positive integer');
          const started = Date.now();
          await seedBenchCatalog(services, products);
          console.log(`${products} bench products loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        } else if (command === 'seed') {
          if (!args.includes('--demo')) throw new Error('seed needs --demo or --bench');
          const { seeded } = await seedDemo(services);
          console.log(seeded ? 'demo marketplace loaded' : 'demo marketplace already present');
        } else if (command === 'admin') {
          const [verb, email] = args;
          if (verb !== 'grant' || !email) throw new Error('usage: bazaar admin grant <email>');
          await services.identity.grantAdmin(email);
          console.log(`${email} is now an admin`);
        } else {
          console.log(applied.length > 0 ? `applied ${applied.join(', ')}` : 'database is up to date');
        }
      } finally {
        await services.close();
        await db.close();
      }
      return;
    }
    case 'start':
    case 'serve':
    case 'worker': {
      const parts: Stoppable[] = [];
      if (command !== 'worker') {
        const seeding = command === 'start' && (await shouldSeedDemo(config, services));
        if (seeding) await seedDemo(services);
        if (command === 'start' && !isBuilt()) {
          log.info('building the web app (first start)');
          await buildWebApp();
        }
        const app = await buildApp(services, { webDist: WEB_DIST });
        await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
        // Closing the app closes the metrics server with it.
        parts.push(app);
        await app.metricsServer?.listen({ port: config.metricsPort, host: METRICS_HOST });
        const url = `http://${config.host}:${config.port}`;
        const metricsUrl = app.metricsServer ? `http://${METRICS_HOST}:${config.metricsPort}` : url;
        console.log(
          `\nBazaar is serving ${url}\n  web app:  ${isBuilt() ? url : 'not built (npm run build:web)'}\n  API docs: ${url}/docs\n  OpenAPI:  ${url}/openapi.json\n  metrics:  ${metricsUrl}/metrics`,
        );
        console.log(
          `  database: ${db.kind === 'embedded' ? `embedded, in ${path.join(config.dataDir, 'db')}` : 'PostgreSQL'}`,
        );
        if (config.devMailbox && !config.smtpUrl)
          console.log(`  mailbox:  ${url}/dev/mailbox (email stays here: no BAZAAR_SMTP_URL)`);
        if (seeding || (await services.identity.userExists(DEMO_ACCOUNTS[0]!.email))) {
          console.log(`  demo accounts (password "${DEMO_PASSWORD}"):`);
          for (const account of DEMO_ACCOUNTS) console.log(`    ${account.role.padEnd(6)} ${account.email}`);
        }
        console.log('');
      }
      if (command !== 'serve') {
        parts.push(startWorker(services, log));
        if (command === 'worker') log.info('worker started');
      }
      parts.push(services, db);
      stopOnSignals(log, parts);
      return;
    }
    default:
      await services.close();
      await db.close();
      throw new ConfigError(`unknown command "${command}"\n${USAGE}`);
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
