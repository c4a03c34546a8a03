import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Steps several browser journeys take. */

/** Opens the first in-stock search result for `words` sold by `shop` and adds `quantity` of it to the cart. */
export async function addFromSearch(
  page: Page,
  words: string,
  shop: string,
  quantity: number,
): Promise<void> {
  await page.getByLabel('Search products').fill(words);
  await page.getByLabel('Search products').press('Enter');
  const card = page
    .getByRole('list', { name: 'Search results' })
    .getByRole('listitem')
    .filter({ hasText: shop })
    .filter({ hasNotText: 'Out of stock' })
    .first();
  const link = card.getByRole('link');
  const title = ((await link.textContent()) ?? '').trim();
  await link.click();
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await page.getByLabel('Quantity').fill(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText('Added to your cart.').waitFor();
}

/** Opens the dev mailbox until an email with this subject to this address is there, and answers its card. */
export async function openEmail(page: Page, to: string, subject: string | RegExp) {
  await page.goto('/dev/mailbox');
  const email = page
    .getByRole('listitem')
    .filter({ hasText: `To ${to}` })
    .filter({ hasText: subject });
  // The worker mails some of it a moment after the request: look again until it is there.
  await expect
    .poll(
      async () => {
        if ((await email.count()) > 0) return true;
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.waitForTimeout(300);
        return false;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  return email.first();
}
