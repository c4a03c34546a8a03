import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { CheckoutPage } from './checkout';
import { cartLine, cartOf, usd } from './test-carts';

vi.mock('../auth', () => ({ useAuth: () => ({ me: { id: 'usr_1', roles: ['buyer'] } }) }));

const cart = cartOf([
  cartLine({ quantity: 3 }),
  cartLine({
    id: 'ci_2',
    variant_id: 'var_tea',
    product_id: 'prod_tea',
    shop: { id: 'shop_bo', name: 'Bo & Co.' },
    title: 'Smoky tea',
    quantity: 1,
    unitPrice: 900,
    available: 1,
  }),
]);

type SentWithKey = { params: { header: Record<string, string> }; body: { expected_total: unknown } };

const ok = (data: unknown) => Promise.resolve({ data, response: new Response(null, { status: 200 }) });
const refused = (status: number, problem: object) =>
  Promise.resolve({
    error: { status, title: 'refused', ...problem },
    response: new Response(null, { status }),
  });

function renderCheckout() {
  render(
    <MemoryRouter initialEntries={['/checkout']}>
      <Routes>
        <Route path="/checkout" element={<CheckoutPage />} />
        <Route path="/checkout/pay/:paymentId" element={<p>Payment step</p>} />
      </Routes>
    </MemoryRouter>,
  );
}

async function fillAddress(user: ReturnType<typeof userEvent.setup>) {
  await user.type(await screen.findByLabelText('Full name'), 'Eve Buyer');
  await user.type(screen.getByLabelText('Address line 1'), '1 Market Street');
  await user.type(screen.getByLabelText('City'), 'Lyon');
  await user.type(screen.getByLabelText('Postal code'), '69001');
  await user.type(screen.getByLabelText('Country'), 'FR');
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('checkout', () => {
  it('shows missing fields at the fields without calling the server', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() => ok(cart)) as never);
    const post = vi.spyOn(api, 'POST');
    const user = userEvent.setup();
    renderCheckout();
    await user.click(await screen.findByRole('button', { name: 'Continue to payment' }));
    expect(screen.getByLabelText('City').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Enter the city.')).toBeTruthy();
    expect(post).not.toHaveBeenCalled();
  });

  it('says which items ran out, fixes the cart and retries with a new key', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() => ok(cart)) as never);
    const patch = vi.spyOn(api, 'PATCH').mockImplementation((() => ok(cart)) as never);
    const remove = vi.spyOn(api, 'DELETE').mockImplementation((() => ok(cart)) as never);
    const post = vi
      .spyOn(api, 'POST')
      .mockImplementationOnce((() =>
        refused(409, {
          code: 'insufficient_stock',
          errors: [
            { variant_id: 'var_lamp', requested: 3, available: 1 },
            { variant_id: 'var_tea', requested: 1, available: 0 },
          ],
        })) as never)
      .mockImplementationOnce((() => ok({ id: 'chk_1', orders: [], payment: { id: 'pay_1' } })) as never);
    const user = userEvent.setup();
    renderCheckout();
    await fillAddress(user);
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Brass desk lamp: only 1 left (you asked for 3).');
    expect(alert.textContent).toContain('Smoky tea: sold out.');

    await user.click(screen.getByRole('button', { name: 'Update my cart and place the order' }));
    await screen.findByText('Payment step');
    expect(patch).toHaveBeenCalledWith('/v1/cart/items/{id}', {
      params: { path: { id: 'ci_1' } },
      body: { quantity: 1 },
    });
    expect(remove).toHaveBeenCalledWith('/v1/cart/items/{id}', { params: { path: { id: 'ci_2' } } });
    const keys = (post.mock.calls as unknown as [string, SentWithKey][]).map(
      ([, init]) => init.params.header['idempotency-key'],
    );
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
    // The retry asks to be charged what the fixed cart comes to at the prices shown: one lamp.
    const totals = (post.mock.calls as unknown as [string, SentWithKey][]).map(
      ([, init]) => init.body.expected_total,
    );
    expect(totals).toEqual([usd(3 * 6900 + 900), usd(6900)]);
  });

  it('names a changed total and charges it only when the buyer accepts, under a new key', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() => ok(cart)) as never);
    const post = vi
      .spyOn(api, 'POST')
      .mockImplementationOnce((() =>
        refused(409, { code: 'price_changed', current_total: usd(3 * 7500 + 900) })) as never)
      .mockImplementationOnce((() => ok({ id: 'chk_1', orders: [], payment: { id: 'pay_1' } })) as never);
    const user = userEvent.setup();
    renderCheckout();
    await fillAddress(user);
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Prices changed: your total is now $234.00, not $216.00.');
    expect(post).toHaveBeenCalledTimes(1);

    await user.click(screen.getByRole('button', { name: 'Place the order for $234.00' }));
    await screen.findByText('Payment step');
    const sent = (post.mock.calls as unknown as [string, SentWithKey][]).map(([, init]) => init);
    expect(sent.map((init) => init.body.expected_total)).toEqual([usd(21600), usd(23400)]);
    expect(sent[0]!.params.header['idempotency-key']).not.toBe(sent[1]!.params.header['idempotency-key']);
  });

  it('shows the server’s field errors at the field', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() => ok(cart)) as never);
    vi.spyOn(api, 'POST').mockImplementation((() =>
      refused(422, {
        code: 'validation_failed',
        errors: [{ path: '/shipping_address/postal_code', message: 'is too long' }],
      })) as never);
    const user = userEvent.setup();
    renderCheckout();
    await fillAddress(user);
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));
    await waitFor(() =>
      expect(screen.getByLabelText('Postal code').getAttribute('aria-invalid')).toBe('true'),
    );
    expect(screen.getByText('is too long')).toBeTruthy();
  });
});
