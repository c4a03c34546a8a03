import path from 'node:path';
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const intWithDefault = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(
    (value) => (value === undefined || value === '' ? fallback : value),
    z.coerce.number().int().min(min).max(max),
  );

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((value) =>
    value === undefined || value === '' ? undefined : ['true', '1', 'yes'].includes(value),
  );

const envSchema = z.object({
  PORT: intWithDefault(3000, 0, 65535),
  HOST: z.string().default('127.0.0.1'),
  BAZAAR_PUBLIC_URL: optionalString.pipe(z.url().optional()),
  DATABASE_URL: optionalString,
  BAZAAR_DATA_DIR: z.string().default('./data'),
  BAZAAR_SEED_DEMO: booleanFlag,
  REDIS_URL: optionalString,
  NATS_URL: optionalString,
  BAZAAR_NATS_STREAM: z
    .string()
    .default('BAZAAR')
    .pipe(z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')),
  BAZAAR_NATS_SUBJECT_PREFIX: z
    .string()
    .default('bazaar.')
    .pipe(
      z.string().regex(/^([A-Za-z0-9_-]+\.)+$/, 'tokens of letters, digits, - and _, each ending in a dot'),
    ),
  BAZAAR_TRUST_PROXY: optionalString,
  BAZAAR_ADMIN_EMAILS: z.string().default(''),
  BAZAAR_CURRENCY: z
    .string()
    .default('USD')
    .pipe(z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')),
  BAZAAR_ORDER_TTL_SECONDS: intWithDefault(900, 1),
  BAZAAR_GROUP_COMMIT: booleanFlag,
  BAZAAR_GROUP_COMMIT_WINDOW_MS: intWithDefault(2, 0, 100),
  BAZAAR_AUTO_DELIVER_SECONDS: intWithDefault(1_209_600, 1),
  BAZAAR_RETURN_RESPONSE_DAYS: intWithDefault(3, 1),
  BAZAAR_WEBHOOKS_ALLOW_PRIVATE: booleanFlag,
  BAZAAR_COMMISSION_BPS: intWithDefault(1000, 0, 10_000),
  BAZAAR_COMMISSION_ON_SHIPPING: booleanFlag,
  BAZAAR_RATING_PRIOR_WEIGHT: intWithDefault(10, 0),
  BAZAAR_RECS_REFRESH_SECONDS: intWithDefault(300, 1),
  BAZAAR_RATE_LIMIT_RPS: optionalString.pipe(
    z.coerce.number<string | undefined>().int().positive().optional(),
  ),
  BAZAAR_METRICS_PORT: optionalString.pipe(
    z.coerce.number<string | undefined>().int().min(1).max(65535).optional(),
  ),
  BAZAAR_PAYMENT_PROVIDER: z.enum(['sandbox', 'stripe']).default('sandbox'),
  BAZAAR_SANDBOX_WEBHOOK_SECRET: optionalString,
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_API_URL: optionalString.pipe(z.url().optional()),
  STRIPE_CONNECT_WEBHOOK_SECRET: optionalString,
  BAZAAR_DB_POOL_SIZE: intWithDefault(20, 1, 1000),
  BAZAAR_JOB_LEASE_SECONDS: intWithDefault(60, 1, 86_400),
  BAZAAR_REGISTRATIONS_PER_HOUR: intWithDefault(20, 0),
  BAZAAR_HASH_QUEUE_DEPTH: intWithDefault(256, 0, 1_000_000),
  BAZAAR_SESSION_MAX_DAYS: intWithDefault(90, 1, 36_500),
  BAZAAR_REQUIRE_ADMIN_2FA: booleanFlag,
  BAZAAR_PRICES_INCLUDE_TAX: booleanFlag,
  BAZAAR_SMTP_URL: optionalString.pipe(
    z
      .url()
      .refine((url) => /^smtps?:\/\//.test(url), 'an smtp:// or smtps:// URL')
      .optional(),
  ),
  BAZAAR_MAIL_FROM: z.string().trim().min(3).default('Bazaar <no-reply@localhost>'),
  BAZAAR_MARKETPLACE_NAME: z.string().trim().min(1).max(100).default('Bazaar'),
  BAZAAR_DEV_MAILBOX: booleanFlag,
  BAZAAR_REQUIRE_VERIFIED_SELLERS: booleanFlag,
  BAZAAR_SHOP_APPROVAL: z.enum(['auto', 'manual']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url().optional()),
  OTEL_SERVICE_NAME: optionalString.transform((value) => value ?? 'bazaar'),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  seedDemo: boolean | undefined;
  redisUrl: string | undefined;
  natsUrl: string | undefined;
  /** The JetStream stream and the prefix of its subjects (several deployments may share one NATS). */
  natsStream: string;
  natsSubjectPrefix: string;
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (login throttling, rate
   * limits): Fastify's `trustProxy` — true, a hop count, or addresses/CIDRs. Unset: none.
   */
  trustProxy: boolean | number | string;
  adminEmails: ReadonlySet<string>;
  currency: string;
  orderTtlSeconds: number;
  /**
   * Group commit for hot variants (BAZAAR_GROUP_COMMIT, on by default): checkouts of this process
   * reserving one variant at once hold their units together, in one statement per batch; the
   * window (BAZAAR_GROUP_COMMIT_WINDOW_MS, default 2) is how long a hot variant's batch gathers.
   */
  groupCommit: { enabled: boolean; windowMs: number };
  autoDeliverSeconds: number;
  /** A return request its seller has not answered in this many days is approved automatically. */
  returnResponseDays: number;
  /**
   * Outbound webhooks may use `http` and reach private, loopback and link-local addresses: for
   * development and tests only (otherwise every endpoint is an SSRF hole into the network).
   */
  webhooksAllowPrivate: boolean;
  commissionBps: number;
  /** Commission is also taken on shipping fees (by default only on the merchandise). */
  commissionOnShipping: boolean;
  /** Prices (and shipping rates) are gross: their tax is inside them. */
  pricesIncludeTax: boolean;
  ratingPriorWeight: number;
  recsRefreshSeconds: number;
  rateLimitRps: number | undefined;
  /** Serve `/metrics` on this loopback port instead of the API's: unset, on the API port. */
  metricsPort: number | undefined;
  paymentProvider: 'sandbox' | 'stripe';
  sandboxWebhookSecret: string | undefined;
  stripeSecretKey: string | undefined;
  stripeWebhookSecret: string | undefined;
  /** Where the Stripe API is reached: unset → api.stripe.com (set for stripe-mock or a stand-in). */
  stripeApiUrl: string | undefined;
  /** Signs Stripe Connect events (account.updated, transfers); unset, they verify with stripeWebhookSecret only. */
  stripeConnectWebhookSecret: string | undefined;
  dbPoolSize: number;
  /** How long a worker's claim on a job lasts before another worker may take the job over. */
  jobLeaseSeconds: number;
  /** Sign-ups per client address per hour; 0 = no limit. */
  registrationsPerHour: number;
  /** Password hashes that may wait for a core before sign-ups and logins get 503. */
  hashQueueDepth: number;
  /** A session's absolute lifetime after the login that made it, however active. */
  sessionMaxDays: number;
  /** Admin routes answer 403 to an admin without two-factor sign-in. */
  requireAdminTwoFactor: boolean;
  /** Where email goes (`smtp://user:pass@host:port`, `smtps://…`); unset: kept for the dev mailbox only. */
  smtpUrl: string | undefined;
  /** The From of every email. */
  mailFrom: string;
  /** The marketplace's name in emails and notices. */
  marketplaceName: string;
  /** Serve `GET /v1/dev/mailbox` (to loopback clients): by default only on the embedded database. */
  devMailbox: boolean;
  /** Opening a shop needs a verified email. */
  requireVerifiedSellers: boolean;
  /** `manual`: a new shop waits for an admin's approval before its products are listed. */
  shopApproval: 'auto' | 'manual';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * The OTLP/HTTP collector traces are sent to (its base URL: `/v1/traces` is appended). Unset:
   * tracing is off and costs nothing.
   */
  otelEndpoint: string | undefined;
  /** `service.name` of the exported spans. */
  otelServiceName: string;
}

export class ConfigError extends Error {}

function trustProxyOf(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** Reads and validates the environment once; every invalid variable is named in one error. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.BAZAAR_PAYMENT_PROVIDER === 'stripe' && (!e.STRIPE_SECRET_KEY || !e.STRIPE_WEBHOOK_SECRET)) {
    throw new ConfigError('BAZAAR_PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET');
  }
  if (e.BAZAAR_METRICS_PORT !== undefined && e.BAZAAR_METRICS_PORT === e.PORT) {
    throw new ConfigError('BAZAAR_METRICS_PORT must differ from PORT');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.BAZAAR_PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.BAZAAR_DATA_DIR),
    seedDemo: e.BAZAAR_SEED_DEMO,
    redisUrl: e.REDIS_URL,
    natsUrl: e.NATS_URL,
    natsStream: e.BAZAAR_NATS_STREAM,
    natsSubjectPrefix: e.BAZAAR_NATS_SUBJECT_PREFIX,
    trustProxy: trustProxyOf(e.BAZAAR_TRUST_PROXY),
    adminEmails: new Set(
      e.BAZAAR_ADMIN_EMAILS.split(',')
        .map((email) => email.trim().toLowerCase())
        .filter(Boolean),
    ),
    currency: e.BAZAAR_CURRENCY,
    orderTtlSeconds: e.BAZAAR_ORDER_TTL_SECONDS,
    groupCommit: { enabled: e.BAZAAR_GROUP_COMMIT ?? true, windowMs: e.BAZAAR_GROUP_COMMIT_WINDOW_MS },
    autoDeliverSeconds: e.BAZAAR_AUTO_DELIVER_SECONDS,
    returnResponseDays: e.BAZAAR_RETURN_RESPONSE_DAYS,
    webhooksAllowPrivate: e.BAZAAR_WEBHOOKS_ALLOW_PRIVATE ?? false,
    commissionBps: e.BAZAAR_COMMISSION_BPS,
    commissionOnShipping: e.BAZAAR_COMMISSION_ON_SHIPPING ?? false,
    pricesIncludeTax: e.BAZAAR_PRICES_INCLUDE_TAX ?? false,
    ratingPriorWeight: e.BAZAAR_RATING_PRIOR_WEIGHT,
    recsRefreshSeconds: e.BAZAAR_RECS_REFRESH_SECONDS,
    rateLimitRps: e.BAZAAR_RATE_LIMIT_RPS,
    metricsPort: e.BAZAAR_METRICS_PORT,
    paymentProvider: e.BAZAAR_PAYMENT_PROVIDER,
    sandboxWebhookSecret: e.BAZAAR_SANDBOX_WEBHOOK_SECRET,
    stripeSecretKey: e.STRIPE_SECRET_KEY,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
    stripeApiUrl: e.STRIPE_API_URL,
    stripeConnectWebhookSecret: e.STRIPE_CONNECT_WEBHOOK_SECRET,
    dbPoolSize: e.BAZAAR_DB_POOL_SIZE,
    jobLeaseSeconds: e.BAZAAR_JOB_LEASE_SECONDS,
    registrationsPerHour: e.BAZAAR_REGISTRATIONS_PER_HOUR,
    hashQueueDepth: e.BAZAAR_HASH_QUEUE_DEPTH,
    sessionMaxDays: e.BAZAAR_SESSION_MAX_DAYS,
    requireAdminTwoFactor: e.BAZAAR_REQUIRE_ADMIN_2FA ?? false,
    smtpUrl: e.BAZAAR_SMTP_URL,
    mailFrom: e.BAZAAR_MAIL_FROM,
    marketplaceName: e.BAZAAR_MARKETPLACE_NAME,
    devMailbox: e.BAZAAR_DEV_MAILBOX ?? e.DATABASE_URL === undefined,
    requireVerifiedSellers: e.BAZAAR_REQUIRE_VERIFIED_SELLERS ?? false,
    shopApproval: e.BAZAAR_SHOP_APPROVAL,
    logLevel: e.LOG_LEVEL,
    otelEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    otelServiceName: e.OTEL_SERVICE_NAME,
  };
}
