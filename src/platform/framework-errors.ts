import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';
import { type AppError, BadRequest, HeadersTooLarge, problemOf, RequestTimeout } from './errors.js';

/** Headers every answer carries, read when the answer is written (they are known once the app is built). */
export type HeaderSource = () => Readonly<Record<string, string>>;

function clientErrorOf(error: ConnectionError): AppError {
  if (error.code === 'HPE_HEADER_OVERFLOW') return new HeadersTooLarge();
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new RequestTimeout();
  return new BadRequest();
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refused (a request line or headers
 * over `maxHeaderSize`, a malformed request line or header, a request not received in time) is
 * answered as problem+json with the security headers, then the connection is closed, as Node
 * does. No request object exists yet, so the request id is the server's own.
 */
export function clientErrorHandler(headers: HeaderSource) {
  return function answerClientError(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
    // A reset connection has no one left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const problem = clientErrorOf(error);
    const requestId = randomUUID();
    this.log.debug({ err: error, reqId: requestId }, 'request refused by the HTTP parser');
    if (socket.writable) {
      const body = JSON.stringify(problemOf(problem, requestId));
      const head: Record<string, string | number> = {
        ...headers(),
        'content-type': 'application/problem+json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'x-request-id': requestId,
        connection: 'close',
      };
      const lines = Object.entries(head).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.write(
        `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n${lines.join('')}\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}
