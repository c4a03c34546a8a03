import { request as httpRequest } from 'node:http';
import { trace } from '@opentelemetry/api';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../test/app.js';
import { callerOfUser, newUser } from '../../test/factories/identity.js';
import { newStockedProduct } from '../../test/factories/inventory.js';
import { moneyFlows, TEST_WEBHOOK_SECRET } from '../../test/factories/payments.js';
import {
  OTLP_SPAN_KIND,
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from '../../test/otlp-receiver.js';
import { inSpan, startTracing, traceLogFields, tracingEnabled } from './tracing.js';

const ADDRESS = { name: 'B', line1: '1 St', city: 'C', postal_code: '1', country: 'US' };

interface LogLine {
  msg?: string;
  reqId?: string;
  trace_id?: string;
}

/**
 * A POST over a real socket whose body's second half is sent a moment after the first: the server
 * reads it in events of the connection's async context, not the request's, as a slow client's.
 */
function postInTwoParts(url: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; requestId: string }>((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', headers: { ...headers, 'content-type': 'application/json' } },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, requestId: String(response.headers['x-request-id']) }),
        );
      },
    );
    request.on('error', reject);
    const half = Math.floor(body.length / 2);
    request.write(body.slice(0, half));
    setTimeout(() => request.end(body.slice(half)), 50);
  });
}

/** The app on `receiver` (or untraced), its request log lines, and one buyer's checkout through it. */
async function checkoutThrough(env: Record<string, string>) {
  const lines: LogLine[] = [];
  const t = await createTestApp({
    env,
    logger: { level: 'info', stream: { write: (line: string) => lines.push(JSON.parse(line) as LogLine) } },
  });
  const seller = await newUser(t.db, { shop: true });
  const product = await newStockedProduct(t.db, { shopId: seller.shopId! });
  const buyer = await newUser(t.db);
  await t.services.cart.addItem(callerOfUser(buyer), { variantId: product.variants[0]!.id, quantity: 1 });
  const idempotencyKey = `trace-${buyer.id}`;
  const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const response = await postInTwoParts(
    `${url}/v1/checkout`,
    { ...bearer(buyer.token), 'idempotency-key': idempotencyKey },
    JSON.stringify({ shipping_address: ADDRESS }),
  );
  expect(response.status).toBe(201);
  const requestLines = lines.filter((line) => line.reqId === response.requestId);
  return { t, requestLines, buyer, idempotencyKey };
}

/** Whether `span` descends from `root` through the spans received. */
function descendsFrom(span: ReceivedSpan, root: ReceivedSpan, spans: ReceivedSpan[]): boolean {
  const byId = new Map(spans.map((each) => [each.spanId, each]));
  for (
    let at: ReceivedSpan | undefined = span;
    at;
    at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined
  ) {
    if (at.spanId === root.spanId) return true;
  }
  return false;
}

describe('with tracing off', () => {
  let receiver: OtlpReceiver;
  let checkout: Awaited<ReturnType<typeof checkoutThrough>>;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    checkout = await checkoutThrough({ OTEL_SERVICE_NAME: 'bazaar-untraced' });
    await checkout.t.close();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('registers no tracer provider and exports nothing', () => {
    expect(tracingEnabled()).toBe(false);
    // The API's global provider is its no-op one: the spans it makes record nothing.
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    expect(receiver.requests).toBe(0);
  });

  it('writes no trace ids in the log lines of a request', () => {
    expect(checkout.requestLines.map((line) => line.msg)).toContain('incoming request');
    for (const line of checkout.requestLines) expect(line.trace_id).toBeUndefined();
  });
});

describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  let receiver: OtlpReceiver;
  let checkout: Awaited<ReturnType<typeof checkoutThrough>>;
  let t: TestApp;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    checkout = await checkoutThrough({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'bazaar-test',
    });
    t = checkout.t;
    // Closing the services flushes the spans still batched to the receiver.
    await t.close();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('exports one checkout as one trace: the HTTP server span at its root, its SQL spans under it', () => {
    const traces = new Set(receiver.spans.map((span) => span.traceId));
    expect(traces.size).toBe(1);
    const roots = receiver.spans.filter((span) => span.parentSpanId === undefined);
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    expect(root).toMatchObject({
      name: 'POST /v1/checkout',
      kind: OTLP_SPAN_KIND.server,
      serviceName: 'bazaar-test',
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/v1/checkout',
        'url.path': '/v1/checkout',
        'http.response.status_code': 201,
      },
    });
    const statements = receiver.spans.filter((span) => span.attributes['db.system.name'] === 'postgresql');
    expect(statements.length).toBeGreaterThan(3);
    for (const statement of statements) {
      expect(statement.kind).toBe(OTLP_SPAN_KIND.client);
      expect(descendsFrom(statement, root, receiver.spans)).toBe(true);
      expect(statement.attributes['bazaar.db.driver']).toBe(
        t.db.kind === 'embedded' ? 'pglite' : 'node-postgres',
      );
    }
    const texts = statements.map((span) => String(span.attributes['db.query.text']));
    expect(texts.some((text) => /INSERT INTO orders/i.test(text))).toBe(true);
  });

  it('records SQL text with placeholders, never the values', () => {
    const texts = receiver.spans.map((span) => String(span.attributes['db.query.text'] ?? ''));
    expect(texts.some((text) => text.includes('$1'))).toBe(true);
    for (const text of texts) {
      expect(text).not.toContain(checkout.idempotencyKey);
      expect(text).not.toContain(checkout.buyer.id);
    }
  });

  it('writes the trace id in every log line of the request', () => {
    const [traceId] = new Set(receiver.spans.map((span) => span.traceId));
    expect(checkout.requestLines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['incoming request', 'request completed']),
    );
    for (const line of checkout.requestLines) expect(line.trace_id).toBe(traceId);
  });

  it('unregisters its provider when the services close', () => {
    expect(tracingEnabled()).toBe(false);
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
  });
});

describe('traces of background work', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const t = await createTestApp({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, BAZAAR_SANDBOX_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET },
    });
    const flows = moneyFlows(t);
    const seller = await newUser(t.db, { shop: true });
    const product = await newStockedProduct(t.db, { shopId: seller.shopId! });
    const buyer = await newUser(t.db);
    const placed = await flows.placeOrder(buyer, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    expect((await flows.confirm(buyer, placed.payment.id, 'pm_card_visa')).statusCode).toBe(200);
    // The sandbox's webhook goes out (a job), then the order's events reach their subscribers.
    while ((await t.services.jobs.runDueJobs()) > 0);
    expect(await t.services.outbox.drain()).toBeGreaterThan(0);
    await t.close();
  });
  afterAll(async () => {
    await receiver.close();
  });

  const named = (name: string) => receiver.spans.filter((span) => span.name === name);
  const parentOf = (span: ReceivedSpan) => receiver.spans.find((each) => each.spanId === span.parentSpanId);

  it('traces provider calls as client spans under the request that made them', () => {
    const [confirm] = named('POST /v1/payments/:id/confirm');
    expect(confirm).toBeDefined();
    for (const call of ['sandbox createIntent', 'sandbox confirm']) {
      const [span] = named(call);
      expect(span).toMatchObject({ kind: OTLP_SPAN_KIND.client, traceId: confirm!.traceId });
      expect(descendsFrom(span!, confirm!, receiver.spans)).toBe(true);
    }
  });

  it('traces a job as a root span, its webhook delivery as outbound HTTP the endpoint continues', () => {
    const [job] = named('job sandbox.deliver-event');
    expect(job).toMatchObject({ parentSpanId: undefined, attributes: { 'bazaar.job.attempt': 1 } });
    const outbound = receiver.spans.find((span) => span.parentSpanId === job!.spanId && span.name === 'POST');
    expect(outbound).toMatchObject({
      kind: OTLP_SPAN_KIND.client,
      attributes: { 'http.request.method': 'POST', 'http.response.status_code': 200 },
    });
    expect(String(outbound!.attributes['url.full'])).toMatch(/\/v1\/webhooks\/sandbox$/);
    // The endpoint took the traceparent the delivery sent: its server span is the outbound span's child.
    const [endpoint] = named('POST /v1/webhooks/:provider');
    expect(endpoint).toMatchObject({ kind: OTLP_SPAN_KIND.server, parentSpanId: outbound!.spanId });
    expect(receiver.spans.some((span) => span.parentSpanId === job!.spanId && span.name === 'DELETE')).toBe(
      true,
    );
  });

  it('traces an outbox pass as a root span with a span per event delivered', () => {
    const [relay] = named('outbox relay');
    expect(relay).toMatchObject({ parentSpanId: undefined });
    const paid = named('outbox deliver order.paid.v1');
    expect(paid).toHaveLength(1);
    expect(parentOf(paid[0]!)?.spanId).toBe(relay!.spanId);
    // The subscriber's SQL runs under the event's span.
    expect(
      receiver.spans.some(
        (span) => span.parentSpanId === paid[0]!.spanId && span.kind === OTLP_SPAN_KIND.client,
      ),
    ).toBe(true);
  });
});

describe('log lines outside requests', () => {
  it('carry the active span’s trace id, and none where no span is active', async () => {
    const receiver = await startOtlpReceiver();
    const tracing = startTracing({ otelEndpoint: receiver.url, otelServiceName: 'bazaar-test' });
    const lines: LogLine[] = [];
    const log = pino(
      { ...traceLogFields() },
      { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
    ).child({ component: 'jobs' });
    const traceId = await inSpan('job probe', { root: true }, async (span) => {
      log.info('inside');
      return span.spanContext().traceId;
    });
    log.info('outside');
    await tracing!.shutdown();
    await receiver.close();
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'inside', trace_id: traceId }),
      expect.not.objectContaining({ trace_id: expect.anything() }),
    ]);
    expect(receiver.spans.map((span) => span.traceId)).toEqual([traceId]);
  });
});
