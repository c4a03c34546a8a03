import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One attribute value of OTLP/JSON (64-bit integers may come as strings). */
interface OtlpAnyValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}

interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: OtlpAnyValue }[];
  status?: { code?: number };
}

/** The body of an OTLP/HTTP JSON trace export (ExportTraceServiceRequest), as far as tests read it. */
interface OtlpJsonExport {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: OtlpAnyValue }[] };
    scopeSpans?: { spans?: OtlpJsonSpan[] }[];
  }[];
}

/** OTLP's SpanKind numbers. */
export const OTLP_SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Undefined for a trace's root. */
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** `service.name` of the resource that sent it. */
  serviceName: string | undefined;
}

export interface OtlpReceiver {
  /** The base URL to configure as OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  /** Export requests received, whatever their path. */
  requests: number;
  spans: ReceivedSpan[];
  close(): Promise<void>;
}

const scalarOf = (value: OtlpAnyValue): string | number | boolean =>
  value.stringValue ??
  (value.intValue !== undefined ? Number(value.intValue) : undefined) ??
  value.boolValue ??
  value.doubleValue ??
  '';

const attributesOf = (attributes: { key: string; value: OtlpAnyValue }[] = []) =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, scalarOf(value)]));

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/**
 * An OTLP/HTTP collector on a loopback port that decodes the JSON trace exports the
 * `@opentelemetry/exporter-trace-otlp-http` exporter sends to `/v1/traces`, and keeps their spans.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const receiver: Omit<OtlpReceiver, 'url' | 'close'> = { requests: 0, spans: [] };
  const server = createServer((request, response) => {
    receiver.requests++;
    void bodyOf(request).then((body) => {
      if (request.url !== '/v1/traces' || !request.headers['content-type']?.startsWith('application/json')) {
        response.writeHead(415).end();
        return;
      }
      const exported = JSON.parse(body.toString('utf8')) as OtlpJsonExport;
      for (const { resource, scopeSpans = [] } of exported.resourceSpans ?? []) {
        const serviceName = attributesOf(resource?.attributes)['service.name'];
        for (const { spans = [] } of scopeSpans) {
          for (const span of spans) {
            receiver.spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              kind: span.kind,
              attributes: attributesOf(span.attributes),
              serviceName: typeof serviceName === 'string' ? serviceName : undefined,
            });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
