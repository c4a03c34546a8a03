import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { expectProblem } from '../../test/problem.js';

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t.close();
});

/** Writes `request` as is to the server and reads the answer until the server closes the connection. */
async function sendRaw(
  request: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  await new Promise<void>((resolve, reject) => {
    socket.once('close', () => resolve());
    socket.once('error', reject);
    socket.write(request);
  });
  const text = Buffer.concat(chunks).toString('utf8');
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

function expectHeadersOfEveryAnswer(headers: Record<string, unknown>): void {
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
}

describe('requests Fastify refuses before any route runs, as problem+json', () => {
  it('a URL whose percent-encoding does not decode: 400 bad_request', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/products/%E0%A4%A' });
    expectProblem(response, 400, 'bad_request');
    expectHeadersOfEveryAnswer(response.headers);
    expect(response.json()).toMatchObject({ request_id: response.headers['x-request-id'] });
  });

  it('a path segment longer than any id: 414 uri_too_long', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/v1/products/${'p'.repeat(500)}` });
    expectProblem(response, 414, 'uri_too_long');
    expectHeadersOfEveryAnswer(response.headers);
  });

  it('keeps a valid client request id on such an answer', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/products/%zz',
      headers: { 'x-request-id': 'trace-7' },
    });
    expectProblem(response, 400, 'bad_request');
    expect(response.headers['x-request-id']).toBe('trace-7');
  });
});

describe("requests Node's HTTP parser refuses, as problem+json", () => {
  it('a URL over the header size limit: 431 headers_too_large', async () => {
    const response = await sendRaw(
      `GET /v1/categories?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    );
    expect(response.status).toBe(431);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.body)).toMatchObject({
      status: 431,
      code: 'headers_too_large',
      request_id: response.headers['x-request-id'],
    });
    expectHeadersOfEveryAnswer(response.headers);
  });

  it('headers over the size limit: 431 headers_too_large', async () => {
    const response = await sendRaw(
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`,
    );
    expect(response.status).toBe(431);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'headers_too_large' });
    expectHeadersOfEveryAnswer(response.headers);
  });

  it('a malformed request line: 400 bad_request', async () => {
    const response = await sendRaw('GET /healthz HTTP/1.1 extra\r\nHost: localhost\r\n\r\n');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.body)).toMatchObject({ status: 400, code: 'bad_request' });
    expectHeadersOfEveryAnswer(response.headers);
  });

  it('still serves well-formed requests on other connections', async () => {
    const response = await sendRaw('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(response.status).toBe(200);
  });
});
