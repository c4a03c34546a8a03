import { generate } from 'otplib';
import { expect } from 'vitest';
import { TOTP } from '../../src/modules/identity/totp.js';
import { bazaarForThisFile } from './harness.js';

const { test } = bazaarForThisFile();

/** What the person's authenticator app shows `steps` periods from now. */
const codeOf = (secret: string, steps = 0) =>
  generate({ secret, ...TOTP, epoch: Math.floor(Date.now() / 1000) + steps * TOTP.period });

test('turn on two-factor sign-in, log out, and log in again with a code', async ({ browse }) => {
  const page = await browse();
  const email = `tess-${Date.now()}@example.com`;
  const password = 'quince-harbour-2718';
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Tess Two-Factor');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();

  await page.getByRole('link', { name: 'Account', exact: true }).click();
  await page.getByRole('link', { name: 'Manage two-factor sign-in' }).click();
  await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  // The QR code is drawn in the browser from the otpauth URL, and loads under the CSP.
  const qr = page.getByRole('img', { name: /QR code/ });
  await qr.waitFor();
  await expect
    .poll(() => qr.evaluate((image) => (image as { naturalWidth: number }).naturalWidth))
    .toBeGreaterThan(0);
  const secret = (await page.locator('.totp-secret').textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32,}$/);

  await page.getByLabel('Code from the app').fill(await codeOf(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await codes.first().waitFor();
  expect(await codes.count()).toBe(10);
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await page.getByText('Two-factor sign-in is on').waitFor();

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('link', { name: 'Log in' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  // The code that turned it on was used: the app's next code is the one to type.
  await page.getByLabel('Two-factor code').fill(await codeOf(secret, 1));
  await page.getByRole('button', { name: 'Verify and log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  await page.getByRole('link', { name: 'Account', exact: true }).click();
  await page.getByRole('link', { name: 'Manage two-factor sign-in' }).click();
  await page.getByText('Two-factor sign-in is on').waitFor();
});
