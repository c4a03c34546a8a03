import { expect } from 'vitest';
import { verifyWebhookSignature } from '../../src/modules/payments/index.js';
import { startWebhookReceiver } from '../../test/webhook-receiver.js';
import { bazaarForThisFile } from './harness.js';

// The receiver is this process's, on loopback: the server may reach it only with the flag on.
const { test } = bazaarForThisFile({ env: { BAZAAR_WEBHOOKS_ALLOW_PRIVATE: 'true' } });

const DEMO_PASSWORD = 'bazaar-demo-2026';

test('a seller and an admin create webhook endpoints, keep the secret shown once, test, rotate, disable, and retry a failed delivery', async ({
  browse,
}) => {
  const receiver = await startWebhookReceiver();
  try {
    const page = await browse();
    const logIn = async (email: string) => {
      await page.goto('/login');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('button', { name: 'Log out' }).waitFor();
    };
    const secretShown = async () => (await page.getByTestId('webhook-secret').textContent())!.trim();
    /** Opens the delivery log and refreshes it until its first row has `status`. */
    const expectDelivery = async (status: string) => {
      const firstRow = page
        .getByRole('region', { name: /^Deliveries to / })
        .locator('tbody tr')
        .first();
      await expect
        .poll(
          async () => {
            await page.getByRole('button', { name: 'Refresh' }).click();
            return (await firstRow.textContent().catch(() => '')) ?? '';
          },
          { timeout: 20_000, interval: 500 },
        )
        .toContain(status);
    };

    await logIn('dee@demo.bazaar');
    await page.goto('/seller/webhooks');
    await page.getByRole('button', { name: 'New endpoint' }).click();
    // A URL the guard refuses is named at its field.
    await page.getByLabel('URL').fill('ftp://127.0.0.1/nope');
    await page.getByLabel(/^All events/).check();
    await page.getByRole('button', { name: 'Create the endpoint' }).click();
    await page.locator('#webhook-url-error').waitFor();
    await page.getByLabel('URL').fill(receiver.url('/dee'));
    await page.getByRole('button', { name: 'Create the endpoint' }).click();
    const secret = await secretShown();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Done' }).click();
    // Shown once: gone from the page once dismissed, and never in the list.
    expect(await page.getByTestId('webhook-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    await page.getByRole('button', { name: `Send a test ${receiver.url('/dee')}` }).click();
    await expectDelivery('delivered');
    const ping = receiver.at('/dee')[0]!;
    expect(ping.event.type).toBe('webhook_endpoint.pinged.v1');
    verifyWebhookSignature(
      secret,
      Buffer.from(ping.body),
      ping.headers['bazaar-signature'] as string,
      Math.floor(Date.now() / 1000),
    );

    // Rotating shows the new secret once; the next delivery is signed with both.
    await page.getByRole('button', { name: `Rotate the secret ${receiver.url('/dee')}` }).click();
    const rotated = await secretShown();
    expect(rotated).not.toBe(secret);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByText(/Old secret signs too until/).waitFor();
    await page.getByRole('button', { name: `Send a test ${receiver.url('/dee')}` }).click();
    await expect.poll(() => receiver.at('/dee').length, { timeout: 20_000 }).toBe(2);
    expect(receiver.at('/dee')[1]!.headers['bazaar-signature']).toMatch(/^t=\d+,v1=\w{64},v1=\w{64}$/);

    await page.getByRole('button', { name: `Disable ${receiver.url('/dee')}` }).click();
    await page
      .getByRole('row')
      .filter({ hasText: receiver.url('/dee') })
      .getByText('Disabled')
      .waitFor();

    // The admin picks one event type, and retries a delivery its receiver refused.
    await page.getByRole('button', { name: 'Log out' }).click();
    await logIn('admin@demo.bazaar');
    await page.goto('/admin/webhooks');
    await page.getByRole('button', { name: 'New endpoint' }).click();
    await page.getByLabel('URL').fill(receiver.url('/ops'));
    await page.getByLabel('Description (optional)').fill('Fraud checks');
    await page.getByLabel('order.placed.v1').check();
    await page.getByRole('button', { name: 'Create the endpoint' }).click();
    await secretShown();
    await page.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('row').filter({ hasText: receiver.url('/ops') });
    expect(await row.textContent()).toContain('order.placed.v1');

    receiver.failNext('/ops', 1);
    await page.getByRole('button', { name: `Send a test ${receiver.url('/ops')}` }).click();
    await expectDelivery('500');
    await page.getByRole('button', { name: 'Retry webhook_endpoint.pinged.v1' }).click();
    await expectDelivery('delivered');
    expect(receiver.at('/ops').map((request) => request.event.id)).toEqual([
      receiver.at('/ops')[0]!.event.id,
      receiver.at('/ops')[0]!.event.id,
    ]);
  } finally {
    await receiver.close();
  }
});
