import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { type Marketplace, MarketplaceProvider } from '../marketplace';
import { PayoutForm } from './money';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const balance = { pending: usd(0), available: usd(5000), paid_out: usd(0) };
const answer = (data: unknown, status = 200) =>
  Promise.resolve({ data, response: new Response(null, { status }) });
const created = (amount: number, currency = 'USD') =>
  answer(
    { id: 'po_1', amount: { amount, currency }, status: 'pending', created_at: '2026-01-01T10:00:00Z' },
    201,
  );

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** The form in a marketplace whose settings the mocked API answers. */
async function renderForm(
  marketplace: Marketplace,
  props: Parameters<typeof PayoutForm>[0] = { balance, onPaid: () => {} },
) {
  const get = vi.spyOn(api, 'GET').mockImplementation((() => answer(marketplace)) as never);
  render(
    <MarketplaceProvider>
      <PayoutForm {...props} />
    </MarketplaceProvider>,
  );
  const amount = await screen.findByLabelText('Payout amount');
  expect(get).toHaveBeenCalledWith('/v1/marketplace');
  return amount;
}

const keyOf = (call: unknown[]) =>
  (call[1] as { params: { header: { 'idempotency-key': string } } }).params.header['idempotency-key'];

describe('the payout form', () => {
  it('refuses more than is available without asking the API', async () => {
    const post = vi.spyOn(api, 'POST');
    const user = userEvent.setup();
    await user.type(await renderForm({ currency: 'USD', currency_digits: 2 }), '50.01');
    await user.click(screen.getByRole('button', { name: 'Request payout' }));
    expect(screen.getByText('Enter at most $50.00.')).toBeTruthy();
    expect(post).not.toHaveBeenCalled();
  });

  it('retries a failed attempt under the same key, and a new amount under a new one', async () => {
    const post = vi
      .spyOn(api, 'POST')
      .mockImplementationOnce((() => Promise.reject(new TypeError('Failed to fetch'))) as never)
      .mockImplementationOnce((() => created(2000)) as never)
      .mockImplementationOnce((() => created(1000)) as never);
    const onPaid = vi.fn();
    const user = userEvent.setup();
    const amount = await renderForm({ currency: 'USD', currency_digits: 2 }, { balance, onPaid });
    await user.type(amount, '20');
    await user.click(screen.getByRole('button', { name: 'Request payout' }));
    await screen.findByText(/Could not reach Bazaar/);
    await user.click(screen.getByRole('button', { name: 'Request payout' }));
    await screen.findByText('Payout of $20.00 requested.');
    expect(onPaid).toHaveBeenCalledOnce();
    expect(post.mock.calls[1]![1]).toMatchObject({ body: { amount: { amount: 2000, currency: 'USD' } } });
    expect(keyOf(post.mock.calls[1]!)).toBe(keyOf(post.mock.calls[0]!));

    await user.type(amount, '10');
    await user.click(screen.getByRole('button', { name: 'Request payout' }));
    await screen.findByText('Payout of $10.00 requested.');
    expect(keyOf(post.mock.calls[2]!)).not.toBe(keyOf(post.mock.calls[1]!));
  });

  it.each([
    { currency: 'EUR', digits: 2, typed: '12.5', minor: 1250 },
    { currency: 'JPY', digits: 0, typed: '1200', minor: 1200 },
  ])('sends $typed in a $currency marketplace as $minor minor units of $currency', async (c) => {
    const available = { amount: 500_000, currency: c.currency };
    const post = vi.spyOn(api, 'POST').mockImplementation((() => created(c.minor, c.currency)) as never);
    const user = userEvent.setup();
    const amount = await renderForm(
      { currency: c.currency, currency_digits: c.digits },
      { balance: { pending: available, available, paid_out: available }, onPaid: () => {} },
    );
    await user.type(amount, c.typed);
    await user.click(screen.getByRole('button', { name: 'Request payout' }));
    await screen.findByText(/^Payout of .* requested\.$/);
    expect(post.mock.calls[0]![1]).toMatchObject({
      body: { amount: { amount: c.minor, currency: c.currency } },
    });
  });

  it('refuses decimals the marketplace currency does not have', async () => {
    const yen = { amount: 500_000, currency: 'JPY' };
    const post = vi.spyOn(api, 'POST');
    const user = userEvent.setup();
    const amount = await renderForm(
      { currency: 'JPY', currency_digits: 0 },
      { balance: { pending: yen, available: yen, paid_out: yen }, onPaid: () => {} },
    );
    await user.type(amount, '12.5');
    await user.click(screen.getByRole('button', { name: 'Request payout' }));
    expect(screen.getByText('Enter an amount like 1250.')).toBeTruthy();
    expect(post).not.toHaveBeenCalled();
  });
});
