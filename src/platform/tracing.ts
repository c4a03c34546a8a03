import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import {
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { resourceFromAttributes } from '@opentelemetry/resources';
import type { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';

/**
 * The one seam between Bazaar and OpenTelemetry. Off (no OTEL_EXPORTER_OTLP_ENDPOINT), nothing of
 * the SDK is loaded, no provider or context manager is registered, and `inSpan` calls its work
 * directly: no span objects, no context switches. On, spans go to the collector over OTLP/HTTP
 * (JSON) in batches, and the AsyncLocalStorage context manager carries the active span through
 * awaits, so SQL spans nest under the request or job that ran them.
 */

/** The SDK's tracer while tracing is on in this process; undefined while it is off. */
let tracer: Tracer | undefined;

/** Handed to `inSpan`'s work while tracing is off: every call on it does nothing. */
const NOT_RECORDING = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

export const tracingEnabled = (): boolean => tracer !== undefined;

export interface Tracing {
  /** Exports the spans still buffered, then unregisters the provider. */
  shutdown(): Promise<void>;
}

interface Sdk {
  NodeTracerProvider: typeof NodeTracerProvider;
  BatchSpanProcessor: typeof BatchSpanProcessor;
  OTLPTraceExporter: typeof OTLPTraceExporter;
  resourceFromAttributes: typeof resourceFromAttributes;
}

/**
 * The SDK and its exporter cost about a second and 16 MB of RSS to load: only a process that
 * traces pays for them. They are CommonJS, so `require` loads them synchronously, and the
 * `@opentelemetry/api` they register with is the one this module uses (the same CommonJS build).
 */
function loadSdk(): Sdk {
  const require = createRequire(import.meta.url);
  return {
    ...(require('@opentelemetry/sdk-trace-node') as Pick<Sdk, 'NodeTracerProvider' | 'BatchSpanProcessor'>),
    ...(require('@opentelemetry/exporter-trace-otlp-http') as Pick<Sdk, 'OTLPTraceExporter'>),
    ...(require('@opentelemetry/resources') as Pick<Sdk, 'resourceFromAttributes'>),
  };
}

/**
 * Starts tracing when an OTLP endpoint is configured (answers undefined otherwise). One process
 * traces once: a second start before the first one's shutdown is a bug.
 */
export function startTracing(config: Pick<Config, 'otelEndpoint' | 'otelServiceName'>): Tracing | undefined {
  if (!config.otelEndpoint) return undefined;
  if (tracer) throw new Error('tracing is already started in this process');
  const sdk = loadSdk();
  const provider = new sdk.NodeTracerProvider({
    resource: sdk.resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.otelServiceName }),
    spanProcessors: [
      new sdk.BatchSpanProcessor(
        new sdk.OTLPTraceExporter({ url: `${config.otelEndpoint.replace(/\/+$/, '')}/v1/traces` }),
      ),
    ],
  });
  // The AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  tracer = provider.getTracer('bazaar');
  return {
    async shutdown() {
      tracer = undefined;
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}

/** Marks `span` failed with `error` (its exception event and ERROR status). */
export function recordFailure(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
  }
}

export interface InSpanOptions extends SpanOptions {
  /**
   * Only a child of the active span is made; without one the work runs untraced. For what
   * background loops run on every poll (a claim finding nothing), which would be a trace each.
   */
  childOnly?: boolean;
}

/**
 * Runs `work` in a new span, active while it runs and ended when it settles; a rejection marks it
 * failed. Off, `work` is called directly with a span that records nothing.
 */
export function inSpan<T>(
  name: string,
  options: InSpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  if (!tracer) return work(NOT_RECORDING);
  const parent = context.active();
  if (options.childOnly && !trace.getSpan(parent)) return work(NOT_RECORDING);
  return tracer.startActiveSpan(name, options, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Adds the active trace's `traceparent` to outbound request headers (nothing while tracing is off). */
export function injectTraceContext(headers: Record<string, string>): Record<string, string> {
  if (tracer) propagation.inject(context.active(), headers);
  return headers;
}

/**
 * What `pino` adds to each line of loggers that are not a request's: the active span's ids, so a
 * job's or the relay's lines join their trace. Nothing while tracing is off.
 */
export function traceLogFields(): { mixin?: () => object } {
  if (!tracer) return {};
  return {
    mixin: () => {
      const span = trace.getSpan(context.active());
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  };
}

/**
 * A server span per request, the root of its trace (or a child of the caller's `traceparent`).
 * It starts where Fastify makes the request's logger, so every line of the request, `incoming
 * request` included, carries `trace_id`; it is the active span from the first hook on. Does
 * nothing while tracing is off. Call before any route is registered.
 */
export function traceHttpRequests(app: FastifyInstance): void {
  const serverTracer = tracer;
  if (!serverTracer) return;
  const requestContexts = new WeakMap<IncomingMessage, Context>();
  app.setChildLoggerFactory(function requestLogger(logger, bindings, options, raw) {
    const parent = propagation.extract(ROOT_CONTEXT, raw.headers);
    const method = raw.method ?? 'HTTP';
    const span = serverTracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_URL_PATH]: (raw.url ?? '/').split('?', 1)[0],
          [ATTR_URL_SCHEME]: 'http',
        },
      },
      parent,
    );
    requestContexts.set(raw, trace.setSpan(parent, span));
    const { traceId, spanId } = span.spanContext();
    return logger.child({ ...bindings, trace_id: traceId, span_id: spanId }, options);
  });
  app.addHook('onRequest', (request, _reply, done) => {
    const active = requestContexts.get(request.raw);
    if (!active) return done();
    // Fastify runs the rest of the request in this async context, across reading the body too.
    context.with(active, done);
  });
  const spanOf = (raw: IncomingMessage) => {
    const active = requestContexts.get(raw);
    return active ? trace.getSpan(active) : undefined;
  };
  app.addHook('onError', async (request, _reply, error) => {
    const span = spanOf(request.raw);
    if (span?.isRecording()) span.recordException(error);
  });
  const end = (raw: IncomingMessage, method: string, route: string | undefined, status: number) => {
    const span = spanOf(raw);
    if (!span?.isRecording()) return;
    if (route) {
      span.updateName(`${method} ${route}`);
      span.setAttribute(ATTR_HTTP_ROUTE, route);
    }
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (status >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  app.addHook('onResponse', async (request, reply) => {
    end(request.raw, request.method, request.routeOptions.url, reply.statusCode);
  });
  app.addHook('onRequestAbort', async (request) => {
    const span = spanOf(request.raw);
    if (span?.isRecording()) {
      span.setAttribute(ATTR_ERROR_TYPE, 'aborted');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection' });
      span.end();
    }
  });
}
