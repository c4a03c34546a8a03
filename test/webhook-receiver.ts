import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  body: string;
  event: { id: string; type: string; occurred_at: string; data: Record<string, unknown> };
}

/**
 * A webhook receiver on loopback for tests: records every request, and answers 500 to a path as
 * many times as `failNext` says before answering 200 again.
 */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const failures = new Map<string, number>();
  let connections = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body, event: JSON.parse(body) });
      const failing = failures.get(path) ?? 0;
      if (failing > 0) failures.set(path, failing - 1);
      response.writeHead(failing > 0 ? 500 : 200).end();
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    /** What a path received, in order. */
    at: (path: string) => received.filter((request) => request.path === path),
    failNext(path: string, times: number) {
      failures.set(path, times);
    },
    /** TCP connections accepted so far (a refused target must make none). */
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
