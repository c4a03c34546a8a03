import { bazaarForThisFile } from './harness.js';
import { openEmail } from './steps.js';

const { test } = bazaarForThisFile();

test('forgot password → the dev mailbox → reset → log in with the new password', async ({ browse }) => {
  const page = await browse();
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email').fill('cleo@demo.bazaar');
  await page.getByRole('button', { name: 'Send the link' }).click();
  await page.getByText('If an account uses cleo@demo.bazaar').waitFor();
  await page.getByRole('link', { name: 'dev mailbox' }).click();

  const email = await openEmail(page, 'cleo@demo.bazaar', 'Reset your Bazaar password');
  await email.getByRole('link', { name: /\/reset-password\?token=/ }).click();
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await page.getByLabel('New password', { exact: true }).fill('lantern-orchard-5531');
  await page.getByLabel('The new password again').fill('lantern-orchard-5531');
  await page.getByRole('button', { name: 'Set the password' }).click();
  await page.getByText('Your password is set').waitFor();

  await page.getByRole('link', { name: 'Log in with the new password' }).click();
  await page.getByLabel('Email').fill('cleo@demo.bazaar');
  await page.getByLabel('Password').fill('lantern-orchard-5531');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();

  // The reset is told in the account's notifications too (the bell counts it unread).
  await page.getByRole('link', { name: /^Notifications, \d+ unread$/ }).click();
  await page.getByRole('link', { name: 'Your password was reset' }).waitFor();

  // The link worked once: a second use is refused.
  const link = await (await openEmail(page, 'cleo@demo.bazaar', 'Reset your Bazaar password'))
    .getByRole('link', { name: /\/reset-password\?token=/ })
    .getAttribute('href');
  await page.goto(link!);
  await page.getByLabel('New password', { exact: true }).fill('another-orchard-9911');
  await page.getByLabel('The new password again').fill('another-orchard-9911');
  await page.getByRole('button', { name: 'Set the password' }).click();
  await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
});

test('sign up → verify the email from its link → the account says verified', async ({ browse }) => {
  const page = await browse();
  const email = `vera-${Date.now()}@example.com`;
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Vera Verify');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('meadow-lantern-4417');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('link', { name: 'Account', exact: true }).click();
  await page.getByText('not verified').waitFor();

  const mail = await openEmail(page, email, 'Verify your email address for Bazaar');
  await mail.getByRole('link', { name: /\/verify-email\?token=/ }).click();
  await page.getByText(`Thank you: ${email} is verified.`).waitFor();
  await page.getByRole('link', { name: 'Your account' }).click();
  await page.getByText('verified', { exact: true }).waitFor();
});
