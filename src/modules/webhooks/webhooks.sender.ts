import http from 'node:http';
import https from 'node:https';
import { lastErrorOf } from '../../platform/background.js';
import type { UrlGuard } from './url-guard.js';

export interface SendOutcome {
  /** The receiver's status code; undefined when no answer came (refused, unreachable, timed out). */
  statusCode: number | undefined;
  /** Why it did not deliver (a non-2xx, or the network's error); undefined on success. */
  error: string | undefined;
}

/** What delivering one webhook needs: the body is sent as is, signed by the caller. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookSender {
  send(request: WebhookRequest): Promise<SendOutcome>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/** Answers read of a receiver's body, at most: only the status code matters. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs webhooks over keep-alive agents (a busy endpoint is not re-handshaked per event) whose
 * every new connection resolves its host through the guard, so the address connected to is the
 * address checked. A 2xx within `timeoutMs` (connect, send and answer together) delivers.
 */
export function webhookSender(guard: UrlGuard, timeoutMs: number): WebhookSender {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 8 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 8 }),
  };
  const send = async ({ url, headers, body }: WebhookRequest): Promise<SendOutcome> => {
    const target = new URL(url);
    try {
      guard.assertAllowed(target);
    } catch (error) {
      return { statusCode: undefined, error: lastErrorOf(error) };
    }
    const transport = target.protocol === 'https:' ? https : http;
    const agent = target.protocol === 'https:' ? agents['https:'] : agents['http:'];
    return new Promise<SendOutcome>((resolve) => {
      const request = transport.request(
        target,
        {
          method: 'POST',
          agent,
          lookup: guard.lookup,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'Bazaar-Webhooks/1',
          },
        },
        (response) => {
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_ANSWER_BYTES) response.destroy();
          });
          const statusCode = response.statusCode;
          const settle = () => {
            clearTimeout(timer);
            const ok = statusCode !== undefined && statusCode >= 200 && statusCode < 300;
            resolve({ statusCode, error: ok ? undefined : `answered ${statusCode}` });
          };
          response.on('end', settle);
          response.on('close', settle);
        },
      );
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      request.on('error', (error) => {
        clearTimeout(timer);
        resolve({ statusCode: undefined, error: lastErrorOf(error) });
      });
      request.end(body);
    });
  };
  return {
    send,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
