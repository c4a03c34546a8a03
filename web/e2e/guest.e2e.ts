import { expect } from 'vitest';
import { bazaarForThisFile } from './harness.js';
import { addFromSearch, openEmail } from './steps.js';

const { test } = bazaarForThisFile();

test('a guest buys from two shops, opens the order from the email, then signs up and finds the orders in the account', async ({
  browse,
}) => {
  const email = `guest-${Date.now()}@example.com`;
  const page = await browse();
  await page.goto('/');
  await addFromSearch(page, 'walnut', "Ada's Atelier", 1);
  await addFromSearch(page, 'walnut', 'Okafor Audio', 1);

  // No account anywhere: the cart, checkout and payment work for the guest.
  await page.getByRole('link', { name: 'Cart', exact: true }).click();
  await page.getByRole('heading', { name: "From Ada's Atelier" }).waitFor();
  await page.getByRole('button', { name: 'Check out' }).click();
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await page.getByText('Enter the email address your confirmation should go to.').waitFor();
  await page.getByLabel('Email for your order confirmation').fill(email);
  await page.getByLabel('Full name').fill('Gia Guest');
  await page.getByLabel('Address line 1').fill('12 Harbor Road');
  await page.getByLabel('City').fill('Portland');
  await page.getByLabel(/Region or state code/).fill('OR');
  await page.getByLabel('Postal code').fill('97204');
  await page.getByLabel('Country').fill('US');
  await page.getByRole('group', { name: 'Delivery from Okafor Audio' }).waitFor();
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await page.getByRole('heading', { name: 'Payment' }).waitFor();
  await page.getByRole('radio', { name: /Visa/ }).check();
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.getByText('Payment received').waitFor();
  await page.getByRole('link', { name: 'Create an account' }).waitFor();

  // The confirmation, one per shop, links to its order with the order token: opened elsewhere (a
  // fresh browser, as from a mail app), it shows the order.
  const mailbox = await browse();
  const confirmation = await openEmail(mailbox, email, /Order \d+ placed/);
  const link = await confirmation
    .getByRole('link', { name: /\/orders\/ord_\w+\?order_token=/ })
    .getAttribute('href');
  await mailbox.goto(link!);
  await mailbox.getByRole('heading', { name: /^Order \d+$/ }).waitFor();
  await mailbox
    .getByText(/^(Ada's Atelier|Okafor Audio)$/)
    .first()
    .waitFor();
  const orderNumber = (
    (await mailbox.getByRole('heading', { name: /^Order \d+$/ }).textContent()) ?? ''
  ).replace('Order ', '');

  // Signing up from the offer, with the address ordered with, then verifying it, brings the orders in.
  await mailbox.getByRole('link', { name: 'Create an account' }).click();
  await mailbox.getByLabel('Name').fill('Gia Guest');
  expect(await mailbox.getByLabel('Email', { exact: true }).inputValue()).toBe(email);
  await mailbox.getByLabel('Password').fill('harbor-lantern-2719');
  await mailbox.getByRole('button', { name: 'Sign up' }).click();
  await mailbox.getByRole('link', { name: 'Orders' }).waitFor();
  await mailbox.goto('/orders');
  // Not verified yet: the guest's orders stay the guest's.
  await mailbox.getByText('You have not ordered anything yet.').waitFor();

  const verification = await openEmail(mailbox, email, /Verify your email address/);
  await verification.getByRole('link', { name: /\/verify-email\?token=/ }).click();
  await mailbox.getByText(`Thank you: ${email} is verified.`).waitFor();
  await mailbox.goto('/orders');
  const orders = mailbox.getByRole('link', { name: /Order \d+/ });
  await expect.poll(() => orders.count()).toBe(2);
  await mailbox.getByRole('link', { name: new RegExp(`Order ${orderNumber}\\b`) }).click();
  await mailbox.getByRole('heading', { name: `Order ${orderNumber}` }).waitFor();
  expect(await mailbox.getByRole('link', { name: 'Create an account' }).count()).toBe(0);
});
