import { availableParallelism } from 'node:os';
import path from 'node:path';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import pino from 'pino';
import client from 'prom-client';
import type { Config } from './config.js';
import { eventCatalogues } from './events.js';
import { AnalyticsService, analyticsRoutes } from './modules/analytics/index.js';
import { ApiKeysService, apiKeysRoutes } from './modules/apikeys/index.js';
import { AuditService, auditRoutes } from './modules/audit/index.js';
import { CartService, cartRoutes } from './modules/cart/index.js';
import {
  CatalogService,
  catalogCategoryTree,
  catalogRoutes,
  catalogVariantDirectory,
} from './modules/catalog/index.js';
import { DisputesService, disputesRoutes } from './modules/disputes/index.js';
import {
  AccountLinks,
  AccountService,
  accountRoutes,
  argon2id,
  IdentityService,
  identityRoutes,
  LoginThrottle,
  type PasswordAlgorithm,
  PasswordHasher,
  RegistrationThrottle,
  registerAccountJobs,
  registerShopJobs,
} from './modules/identity/index.js';
import { StockHolds } from './modules/inventory/index.js';
import { LedgerService, ledgerRoutes } from './modules/ledger/index.js';
import { FileMediaStorage, MediaService, mediaRoutes } from './modules/media/index.js';
import {
  NotificationsService,
  notificationsRoutes,
  registerNotificationJobs,
  smtpTransport,
  subscribeNotifications,
} from './modules/notifications/index.js';
import { OrderSettlement, OrdersService, ordersRoutes, registerOrderJobs } from './modules/orders/index.js';
import {
  createPaymentProviders,
  PaymentsService,
  paymentsRoutes,
  registerPaymentJobs,
  type SandboxProvider,
  sandboxOnboardingRoutes,
  type WebhookTransport,
} from './modules/payments/index.js';
import { PromotionsService, promotionsRoutes } from './modules/promotions/index.js';
import {
  ProductViews,
  RecommendationsService,
  recommendationsRoutes,
  subscribeToPurchases,
} from './modules/recommendations/index.js';
import { ReturnsService, registerReturnJobs, returnsRoutes } from './modules/returns/index.js';
import { ReviewsService, reviewLookup, reviewsRoutes } from './modules/reviews/index.js';
import { ShippingService, shippingRoutes } from './modules/shipping/index.js';
import { TaxService, taxRoutes } from './modules/tax/index.js';
import {
  type Resolve,
  registerWebhookJobs,
  subscribeWebhooks,
  WebhooksService,
  webhooksRoutes,
} from './modules/webhooks/index.js';
import { registerAuditContext } from './platform/audit.js';
import { Caches } from './platform/cache.js';
import {
  connectRedis,
  FallbackWindowCounters,
  MemoryWindowCounters,
  RedisWindowCounters,
  type WindowCounters,
} from './platform/counters.js';
import { type Database, withOwnConnections } from './platform/db.js';
import { NotFound, problemOf, toAppError } from './platform/errors.js';
import { eventSchemaRoutes, registerEventSchemas } from './platform/events.js';
import { clientErrorHandler } from './platform/framework-errors.js';
import { createAuthGuards, registerHttpMetrics, requestIdOf } from './platform/http.js';
import { Idempotency } from './platform/idempotency.js';
import { JetStreamSink } from './platform/jetstream.js';
import { JobRunner } from './platform/jobs.js';
import { marketplaceRoutes } from './platform/marketplace.js';
import { buildMetricsServer, metricsRoute } from './platform/metrics-server.js';
import { OutboxRelay } from './platform/outbox.js';
import { documentProblemResponses } from './platform/problems.js';
import { registerRateLimit } from './platform/rate-limit.js';
import { assertNoNulInJson, registerInputRules } from './platform/request-input.js';
import {
  registerSecurityHeaders,
  securityHeaderOptions,
  securityHeadersOf,
} from './platform/security-headers.js';
import { startTracing, traceHttpRequests, traceLogFields } from './platform/tracing.js';
import { serveWebApp } from './platform/web.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * Connections the kernel may queue before the server accepts them. Node's default of 511 makes a
 * burst of buyers opening connections at once (a flash sale) lose SYNs, and a lost SYN is retried
 * only a second later; the kernel caps this at net.core.somaxconn.
 */
export const LISTEN_BACKLOG = 4096;

/**
 * PostgreSQL connections, beside the main pool, of the statements that answer many requests at
 * once: group commit's batches (one per hot variant at a time) and the coalesced session lookups
 * and cart reads (one of each at a time).
 */
const BATCH_CONNECTIONS = 3;

/** Everything the app is made of that outlives one request. */
export interface Services {
  config: Config;
  db: Database;
  counters: WindowCounters;
  identity: IdentityService;
  /** Password resets, email verification and email changes. */
  account: AccountService;
  notifications: NotificationsService;
  media: MediaService;
  catalog: CatalogService;
  idempotency: Idempotency;
  cart: CartService;
  payments: PaymentsService;
  analytics: AnalyticsService;
  /** The built-in payment provider (its webhooks, its own records). */
  sandbox: SandboxProvider;
  ledger: LedgerService;
  orders: OrdersService;
  stockHolds: StockHolds;
  disputes: DisputesService;
  returns: ReturnsService;
  shipping: ShippingService;
  tax: TaxService;
  promotions: PromotionsService;
  /** The audit trail's views. */
  audit: AuditService;
  /** `bzk_` keys: integrations acting as their owner within scopes. */
  apiKeys: ApiKeysService;
  /** Outbound webhooks: endpoints and their deliveries. */
  webhooks: WebhooksService;
  reviews: ReviewsService;
  recommendations: RecommendationsService;
  /** Product views signed-in buyers make, noted by the catalog for recommendations. */
  productViews: ProductViews;
  /** Durable jobs: modules register handlers here; the worker runs them. */
  jobs: JobRunner;
  /** Outbox relay: modules subscribe to events here; the worker relays them. */
  outbox: OutboxRelay;
  close(): Promise<void>;
}

export interface BuildServicesOptions {
  /** How the sandbox delivers its webhooks (default: HTTP to BAZAAR_PUBLIC_URL). */
  webhookTransport?: WebhookTransport;
  /** How passwords are hashed and checked (default argon2id; tests watch or slow it down). */
  passwordAlgorithm?: PasswordAlgorithm;
  /** How outbound webhooks resolve host names (default the system's; tests stand in for DNS). */
  webhookResolve?: Resolve;
}

export function buildServices(
  config: Config,
  db: Database,
  counters?: WindowCounters,
  options: BuildServicesOptions = {},
): Services {
  // First: the services below look at whether tracing is on when they are made.
  const tracing = startTracing(config);
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : undefined;
  const windowCounters =
    counters ??
    (redis
      ? new FallbackWindowCounters(new RedisWindowCounters(redis), new MemoryWindowCounters())
      : new MemoryWindowCounters());
  const log = pino({ ...(loggerOptions(config) as pino.LoggerOptions), ...traceLogFields() });
  registerEventSchemas(...eventCatalogues);
  // Statements that many requests wait on together run on connections of their own: on the main
  // pool they would queue behind the very requests that wait for them.
  const batchDb = withOwnConnections(db, BATCH_CONNECTIONS);
  const jobs = new JobRunner(db, {
    log: log.child({ component: 'jobs' }),
    leaseSeconds: config.jobLeaseSeconds,
  });
  const outbox = new OutboxRelay(db, { log: log.child({ component: 'outbox' }) });
  const jetStream = config.natsUrl
    ? new JetStreamSink({
        servers: config.natsUrl,
        stream: config.natsStream,
        subjectPrefix: config.natsSubjectPrefix,
        relayLeaseSeconds: outbox.leaseSeconds,
      })
    : undefined;
  if (jetStream) outbox.addSink(jetStream);
  const media = new MediaService(db, new FileMediaStorage(path.join(config.dataDir, 'media')));
  const caches = new Caches(redis);
  // Views go one way: the catalog reports them to productViews, which recommendations read back
  // from their table; neither module calls the other for them.
  const recommendationsLog = log.child({ component: 'recommendations' });
  const productViews = new ProductViews(db, recommendationsLog);
  const catalog = new CatalogService({ db, config, caches, media, views: productViews });
  // The money-posting use cases keep the analytics rollups in their own transactions.
  const analytics = new AnalyticsService(db, config.currency);
  const ledger = new LedgerService(db, config, analytics);
  const shipping = new ShippingService({ db, currency: config.currency });
  const promotions = new PromotionsService({
    db,
    currency: config.currency,
    categories: catalogCategoryTree,
  });
  const cart = new CartService({
    db,
    batchDb,
    directory: catalogVariantDirectory,
    currency: config.currency,
    promotions,
    counters: windowCounters,
  });
  // The tax report reads the ledger's tax_payable and the orders' places: calls at run time only.
  const tax: TaxService = new TaxService({
    db,
    currency: config.currency,
    sources: {
      taxMovements: (tx, period) => ledger.taxMovements(tx, period),
      taxBases: (tx, ids) => orders.taxBases(tx, ids),
    },
  });
  const providers = createPaymentProviders(db, config, options);
  // Calls go one way: orders → payments → orderSettlement (what a settled payment does to its
  // orders, which answers the refunds due and never calls payments back). Disputes use orders and
  // payments; payments hands disputes the provider's news through a call made at run time only.
  const orderSettlement = new OrderSettlement({ sales: catalog, paidOrders: analytics });
  const payments: PaymentsService = new PaymentsService({
    db,
    providers,
    config,
    ledger,
    orders: orderSettlement,
    disputes: {
      reported: (tx, provider, payment, dispute) => disputes.reported(tx, provider, payment, dispute),
    },
    log: log.child({ component: 'payments' }),
  });
  const stockHolds = new StockHolds(batchDb, config.groupCommit);
  const orders: OrdersService = new OrdersService({
    db,
    config,
    cart,
    directory: catalogVariantDirectory,
    payments,
    ledger,
    reviews: reviewLookup,
    shipping,
    tax,
    promotions,
    // The checkout mails a guest its order token's link itself; notifications render and send it.
    guestMail: { guestOrdersPlaced: (tx, mail) => notifications.guestOrdersPlaced(tx, mail) },
    stockHolds,
  });
  const disputes = new DisputesService({
    db,
    ledger,
    listener: analytics,
    orders,
    providers: payments,
    media,
    publicUrl: config.publicUrl,
  });
  // Returns refund through orders' refund use case and read the shop's window from identity.
  const returns = new ReturnsService({
    db,
    config,
    orders,
    shops: { returnWindowDays: (tx, shopId) => identity.returnWindowDays(tx, shopId) },
  });
  const passwords = new PasswordHasher(options.passwordAlgorithm ?? argon2id, {
    concurrency: availableParallelism(),
    queueDepth: config.hashQueueDepth,
  });
  // Identity tells what to mail; notifications render and send it, and learn who takes part in
  // orders from identity, orders and the catalog: calls go one way at run time through these ports.
  const mailTransport = config.smtpUrl
    ? smtpTransport(config.smtpUrl, new URL(config.publicUrl).hostname)
    : undefined;
  const notifications: NotificationsService = new NotificationsService({
    db,
    config,
    transport: mailTransport,
    directory: {
      contactsOf: (tx, ids) => identity.contactsOf(tx, ids),
      shopOwners: (tx, ids) => identity.shopOwners(tx, ids),
      orderParties: (tx, ids) => orders.orderParties(tx, ids),
      itemTitles: (tx, orderId) => orders.itemTitles(tx, orderId),
      productShops: (tx, ids) => catalog.productShops(tx, ids),
    },
  });
  const links = new AccountLinks(notifications, config.publicUrl);
  const loginThrottle = new LoginThrottle(windowCounters);
  const identity: IdentityService = new IdentityService({
    db,
    batchDb,
    config,
    throttle: loginThrottle,
    shopListener: catalog,
    shopClosing: {
      openOrderCount: (tx, shopId) => orders.openOrderCount(tx, shopId),
      hasBalance: (tx, shopId) => ledger.hasBalance(tx, shopId),
    },
    passwords,
    registrations: new RegistrationThrottle(windowCounters, config.registrationsPerHour),
    links,
    guestCarts: cart,
  });
  const account = new AccountService({
    db,
    identity,
    passwords,
    throttle: loginThrottle,
    counters: windowCounters,
    links,
    // A proven address claims the guest orders placed with it: identity never writes orders' tables.
    addressProven: (tx, user) => orders.claimGuestOrders(tx, user.id, user.email),
  });
  // A key's owner is whoever identity says the user is now (suspended: nobody).
  const apiKeys = new ApiKeysService({
    db,
    owners: { callerOfUser: (userId, credentialKey) => identity.callerOfUser(userId, credentialKey) },
  });
  subscribeNotifications(outbox, notifications);
  registerNotificationJobs(jobs, notifications);
  registerAccountJobs(jobs, account);
  registerShopJobs(jobs, identity);
  registerOrderJobs(jobs, orders);
  registerReturnJobs(jobs, returns);
  const recommendations = new RecommendationsService(db, catalog, {
    caches,
    log: recommendationsLog,
    refreshSeconds: config.recsRefreshSeconds,
  });
  subscribeToPurchases(outbox, recommendations);
  registerPaymentJobs(jobs, payments);
  providers.sandbox.registerJobs(jobs);
  // Which shop a review or refund is about comes from the catalog and orders, at run time.
  const webhooks = new WebhooksService({
    db,
    config,
    shops: {
      productShops: (tx, ids) => catalog.productShops(tx, ids),
      orderShops: async (tx, ids) =>
        new Map((await orders.orderParties(tx, ids)).map((party) => [party.orderId, party.shopId])),
    },
    ...(options.webhookResolve ? { resolve: options.webhookResolve } : {}),
  });
  subscribeWebhooks(outbox, webhooks);
  registerWebhookJobs(jobs, webhooks);
  return {
    config,
    db,
    counters: windowCounters,
    idempotency: new Idempotency(db),
    cart,
    payments,
    sandbox: providers.sandbox,
    ledger,
    analytics,
    orders,
    stockHolds,
    disputes,
    returns,
    shipping,
    tax,
    promotions,
    audit: new AuditService(db),
    apiKeys,
    webhooks,
    identity,
    account,
    notifications,
    reviews: new ReviewsService(db, catalog, identity),
    recommendations,
    productViews,
    media,
    catalog,
    jobs,
    outbox,
    async close() {
      await Promise.all([jobs.stop(), outbox.stop()]);
      webhooks.close();
      await productViews.flush();
      await jetStream?.close();
      await windowCounters.close();
      mailTransport?.close();
      caches.close();
      if (batchDb !== db) await batchDb.close();
      redis?.disconnect();
      await tracing?.shutdown();
    },
  };
}

const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["bazaar-signature"]',
  'req.headers["stripe-signature"]',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.token',
  // Two-factor secrets and codes (a recovery code stays valid until used); not `*.code`, which
  // would hide the codes of errors.
  '*.otp',
  '*.secret',
  '*.recovery_codes',
];

export function loggerOptions(config: Pick<Config, 'logLevel'>): FastifyServerOptions['logger'] {
  return { level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
}

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger'];
  /** Routes added before the app is sealed, beside the API's (the bench's reference routes). */
  extraRoutes?: (app: FastifyInstance) => void;
  /** The built web app to serve at `/` (WEB_DIST); none when unset or not built. */
  webDist?: string;
}

export async function buildApp(services: Services, options: BuildAppOptions = {}) {
  const { config, db } = services;
  const { trustProxy } = config;
  // Known once the docs page is registered; answers written before any hook runs read them here.
  let securityHeaders: Readonly<Record<string, string>> = {};
  const app: FastifyInstance = Fastify({
    logger: options.logger ?? loggerOptions(config),
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: false,
    genReqId: requestIdOf,
    // A malformed URL or an over-long path segment is refused before any hook runs: answered
    // by the app's error handler all the same, with the headers the hooks would have set.
    frameworkErrors: (error, request, reply) => {
      reply.headers(securityHeaders).header('x-request-id', request.id);
      return app.errorHandler(error, request, reply);
    },
    clientErrorHandler: clientErrorHandler(() => securityHeaders),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Fastify takes a hop count at run time, but its types do not: the same rule as a function.
    trustProxy:
      typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
  });
  traceHttpRequests(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('caller', null);
  registerAuditContext(app);
  app.decorateRequest('guestToken', null);
  registerInputRules(app);

  // JSON only (media uploads add multipart on their route); anything else is 415.
  app.removeContentTypeParser('text/plain');
  // An empty body is no body (e.g. a POST with a JSON content type and nothing to say).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') return done(null, undefined);
    return parseJson(request, text, (error, parsed) => {
      if (error) return done(error);
      try {
        assertNoNulInJson(text, parsed);
      } catch (refused) {
        return done(refused as Error);
      }
      return done(null, parsed);
    });
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  if (config.rateLimitRps) registerRateLimit(app, services.counters, config.rateLimitRps);
  // Fastify answers the requests in flight when it starts closing, but leaves their keep-alive
  // connections open: a load balancer keeping them would hold the shutdown up until it timed out.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  // Problem bodies go out as serialised text: a route's documented error schemas never touch them.
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (!appError) {
      request.log.error({ err: error }, 'unhandled error');
      return reply
        .status(500)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: 'urn:bazaar:problem:internal',
            title: 'Internal error',
            status: 500,
            code: 'internal',
            detail: `Something went wrong on our side. Quote request id ${request.id}.`,
            request_id: request.id,
          }),
        );
    }
    return reply
      .status(appError.status)
      .headers(appError.headers)
      .type('application/problem+json')
      .send(JSON.stringify(problemOf(appError, request.id)));
  });
  const webApp = options.webDist ? await serveWebApp(app, options.webDist) : undefined;
  app.setNotFoundHandler((request, reply) => {
    const page = webApp?.(request, reply);
    if (page) return page;
    const problem = problemOf(new NotFound('route'), request.id);
    return reply.status(404).type('application/problem+json').send(problem);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Bazaar API',
        version: '1.0.0',
        description:
          'Marketplace commerce backend. Errors are RFC 9457 problem details with a stable `code`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer' },
          cartToken: { type: 'apiKey', in: 'header', name: 'Bazaar-Cart-Token' },
          orderToken: { type: 'apiKey', in: 'header', name: 'Bazaar-Order-Token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  // The base layout leaves out Swagger UI's top bar, whose logo is an SVG with an inline <style>
  // that the Content Security Policy blocks; the bar only offers to explore other documents.
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { layout: 'BaseLayout' } });
  const securityHeaderConfig = securityHeaderOptions(config.publicUrl, app.swaggerCSP);
  await registerSecurityHeaders(app, securityHeaderConfig);
  securityHeaders = securityHeadersOf(securityHeaderConfig);

  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  registerHttpMetrics(app, registry);
  new client.Gauge({
    name: 'outbox_backlog',
    help: 'Outbox events not yet published',
    registers: [registry],
    async collect() {
      // A database that does not answer must not take the process metrics down with it.
      this.set(await services.outbox.backlog().catch(() => Number.NaN));
    },
  });
  new client.Gauge({
    name: 'jobs_backlog',
    help: 'Background jobs due and not yet claimed (due), or left as failed on their last attempt (failed)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const backlog = await services.jobs.backlog().catch(() => ({ due: Number.NaN, failed: Number.NaN }));
      this.set({ state: 'due' }, backlog.due);
      this.set({ state: 'failed' }, backlog.failed);
    },
  });

  for (const [name, entity, count] of [
    ['bazaar_orders', 'Orders', () => services.orders.countByStatus()],
    ['bazaar_payments', 'Payments', () => services.payments.countByStatus()],
  ] as const) {
    new client.Gauge({
      name,
      help: `${entity} by status`,
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of await count().catch(() => [])) this.set({ status: row.status }, row.count);
      },
    });
  }

  app.get('/healthz', { schema: { tags: ['ops'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { schema: { tags: ['ops'], summary: 'Readiness: the database answers' } },
    async (_request, reply) => {
      try {
        await db.ping();
        return { status: 'ok' };
      } catch {
        return reply.status(503).send({ status: 'unavailable' });
      }
    },
  );
  if (config.metricsPort === undefined) {
    metricsRoute(app, registry);
    app.decorate('metricsServer', null);
  } else {
    const metricsServer = await buildMetricsServer(
      registry,
      app.log.child({ component: 'metrics' }),
      securityHeaderConfig,
    );
    app.decorate('metricsServer', metricsServer);
    app.addHook('onClose', async () => {
      await metricsServer.close();
    });
  }
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // `bzk_` bearer tokens are API keys; any other is a session's.
  const authenticate = (token: string) =>
    token.startsWith('bzk_') ? services.apiKeys.authenticate(token) : services.identity.authenticate(token);
  const guards = createAuthGuards(authenticate, {
    adminsNeedTwoFactor: config.requireAdminTwoFactor,
  });
  documentProblemResponses(app);
  marketplaceRoutes(app, config.currency);
  eventSchemaRoutes(app);
  identityRoutes(app, services.identity, guards);
  accountRoutes(app, services.account, guards);
  notificationsRoutes(app, services.notifications, guards, { devMailbox: config.devMailbox });
  catalogRoutes(app, services.catalog, guards, config.currency);
  mediaRoutes(app, services.media, guards);
  cartRoutes(app, services.cart, guards);
  ordersRoutes(app, services.orders, guards, services.idempotency, config.currency);
  returnsRoutes(app, services.returns, guards);
  shippingRoutes(app, services.shipping, guards, config.currency);
  taxRoutes(app, services.tax, guards);
  promotionsRoutes(app, services.promotions, guards, config.currency);
  reviewsRoutes(app, services.reviews, guards);
  recommendationsRoutes(app, services.recommendations, guards);
  paymentsRoutes(app, services.payments, guards, services.idempotency, config.currency);
  sandboxOnboardingRoutes(app, services.sandbox, config.publicUrl);
  ledgerRoutes(app, services.ledger, guards);
  disputesRoutes(app, services.disputes, guards);
  auditRoutes(app, services.audit, guards);
  apiKeysRoutes(app, services.apiKeys, guards);
  analyticsRoutes(app, services.analytics, guards);
  webhooksRoutes(app, services.webhooks, guards);
  options.extraRoutes?.(app);

  await app.ready();
  return app;
}
