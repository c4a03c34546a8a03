import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../../../test/app.js';
import { newUser, type TestUser } from '../../../test/factories/identity.js';
import { expectProblem } from '../../../test/problem.js';
import { startWebhookReceiver } from '../../../test/webhook-receiver.js';
import { sql } from '../../platform/db.js';

/**
 * Without BAZAAR_WEBHOOKS_ALLOW_PRIVATE. DNS is a stand-in: `rebind.test` answers a public address
 * the first time (when the endpoint is saved) and 127.0.0.1 ever after (DNS rebinding). Nothing
 * here ever connects to the public address: only loopback is reachable, and it must stay unreached.
 */
let t: TestApp;
let seller: TestUser;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const lookups: string[] = [];

const rebinding = async (hostname: string): Promise<LookupAddress[]> => {
  lookups.push(hostname);
  const address = lookups.filter((name) => name === hostname).length === 1 ? '93.184.216.34' : '127.0.0.1';
  return [{ address, family: 4 }];
};

beforeAll(async () => {
  t = await createTestApp({ webhookResolve: rebinding });
  seller = await newUser(t.db, { shop: true });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

const create = (url: string) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/shop/webhook-endpoints',
    payload: { url, events: ['*'] },
    headers: bearer(seller.token),
  });

describe('the SSRF guard', () => {
  it.each([
    'https://127.0.0.1/hook',
    'https://10.0.0.1/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hook',
    'http://public.test/hook',
  ])('refuses %s at creation with 422 at /url', async (url) => {
    const answer = await create(url);
    expectProblem(answer, 422, 'validation_failed', 'endpoint_url_refused');
    expect(answer.json().errors).toEqual([{ path: '/url', message: expect.any(String) }]);
  });

  it('refuses at connect time a name that resolved to a public address at creation and to loopback now', async () => {
    const created = await create(`https://rebind.test:${receiver.port}/hook`);
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json();
    const ping = await t.app.inject({
      method: 'POST',
      url: `/v1/shop/webhook-endpoints/${id}/test`,
      headers: bearer(seller.token),
    });
    expect(ping.statusCode).toBe(202);
    while ((await t.services.jobs.runDueJobs()) > 0);

    expect(lookups.filter((name) => name === 'rebind.test')).toHaveLength(2);
    // The loopback receiver never saw a connection: the address was refused before connecting.
    expect(receiver.connections()).toBe(0);
    const [delivery] = await t.db.query<{ status: string; attempts: number; last_error: string }>(
      sql`SELECT status, attempts, last_error FROM webhook_deliveries WHERE endpoint_id = ${id}`,
    );
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
    expect(delivery!.last_error).toMatch(/127\.0\.0\.1, which is not a public address/);
  });
});
