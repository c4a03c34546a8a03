import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, guestCart, orderTokens } from '../api/client';
import { CheckoutPage } from './checkout';
import { cartLine, cartOf, quoteOf, usd } from './test-carts';
import type { Address, Cart } from './types';

/** Who is signed in: a buyer, or nobody (a guest). */
const signedIn = vi.hoisted(() => ({ me: { id: 'usr_1', roles: ['buyer'] } as object | null }));
vi.mock('../auth', () => ({ useAuth: () => ({ me: signedIn.me }) }));

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

type Sent = {
  params?: { header: Record<string, string> };
  body: { expected_total?: unknown; shipping_options?: Record<string, string>; address_id?: string };
};

const ok = (data: unknown) => Promise.resolve({ data, response: new Response(null, { status: 200 }) });
const refused = (status: number, problem: object) =>
  Promise.resolve({
    error: { status, title: 'refused', ...problem },
    response: new Response(null, { status }),
  });

/** GETs answer the cart and the address book. */
function serveReads(current: Cart = cart, addresses: Address[] = []) {
  return vi
    .spyOn(api, 'GET')
    .mockImplementation(((path: string) =>
      path === '/v1/me/addresses' ? ok({ data: addresses, next_cursor: null }) : ok(current)) as never);
}

/** POSTs: quotes answer `quote(body)`; checkouts answer each of `checkouts` in turn. */
function servePosts(checkouts: (() => Promise<unknown>)[], quote = (_body: Sent['body']) => quoteOf(cart)) {
  const sentCheckouts: Sent[] = [];
  const sentQuotes: Sent[] = [];
  const post = vi.spyOn(api, 'POST').mockImplementation(((path: string, init: Sent) => {
    if (path === '/v1/checkout/quote') {
      sentQuotes.push(init);
      return ok(quote(init.body));
    }
    sentCheckouts.push(init);
    return checkouts.shift()!();
  }) as never);
  return { post, sentCheckouts, sentQuotes };
}

const placed = () => ok({ id: 'chk_1', orders: [], payment: { id: 'pay_1' } });

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
  signedIn.me = { id: 'usr_1', roles: ['buyer'] };
  localStorage.clear();
});

describe('checkout', () => {
  it('asks a guest for an email, sends it, and keeps the order token for the orders and payment', async () => {
    signedIn.me = null;
    guestCart.set('cart-token-1');
    const get = serveReads();
    const { sentCheckouts } = servePosts([
      () =>
        ok({
          id: 'chk_1',
          orders: [{ id: 'ord_1' }, { id: 'ord_2' }],
          payment: { id: 'pay_1' },
          order_token: 'order-token-1',
        }),
    ]);
    const user = userEvent.setup();
    renderCheckout();
    await fillAddress(user);
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));
    expect(await screen.findByText('Enter the email address your confirmation should go to.')).toBeTruthy();
    expect(sentCheckouts).toEqual([]);

    await user.type(screen.getByLabelText('Email for your order confirmation'), 'gia@example.com');
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));
    await screen.findByText('Payment step');
    expect(sentCheckouts[0]!.body).toMatchObject({ email: 'gia@example.com' });
    // A guest has no address book to read.
    expect(get.mock.calls.map((args) => (args as unknown[])[0])).not.toContain('/v1/me/addresses');
    for (const id of ['ord_1', 'ord_2', 'pay_1']) expect(orderTokens.of(id)).toBe('order-token-1');
  });

  it('shows missing fields at the fields without calling the server', async () => {
    serveReads();
    const post = vi.spyOn(api, 'POST');
    const user = userEvent.setup();
    renderCheckout();
    await user.click(await screen.findByRole('button', { name: 'Continue to payment' }));
    expect(screen.getByLabelText('City').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Enter the city.')).toBeTruthy();
    expect(post).not.toHaveBeenCalled();
  });

  it('prices delivery per shop from the quote, follows the buyer’s choice and sends the quote’s total', async () => {
    serveReads();
    const options = {
      shop_ada: [
        { id: 'so_std', name: 'Standard', amount: 500 },
        { id: 'so_exp', name: 'Express', amount: 1500 },
      ],
    };
    const { sentCheckouts, sentQuotes } = servePosts([placed], (body) =>
      quoteOf(cart, options, body.shipping_options),
    );
    const user = userEvent.setup();
    renderCheckout();
    await fillAddress(user);
    const total = await screen.findByTestId('checkout-total');
    await waitFor(() => expect(total.textContent).toBe('$221.00'));
    const ada = screen.getByRole('group', { name: "Delivery from Ada's Atelier" });
    await user.click(within(ada).getByLabelText(/Express/));
    await waitFor(() => expect(screen.getByTestId('checkout-total').textContent).toBe('$231.00'));
    expect(sentQuotes.at(-1)!.body.shipping_options).toEqual({ shop_ada: 'so_exp' });
    expect(screen.getByRole('region', { name: 'From Bo & Co.' }).textContent).toContain('Free delivery');

    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));
    await screen.findByText('Payment step');
    expect(sentCheckouts[0]!.body).toMatchObject({
      shipping_options: { shop_ada: 'so_exp' },
      expected_total: usd(23100),
    });
  });

  it('checks out to the default saved address by id', async () => {
    const home = {
      id: 'adr_home',
      name: 'Eve Buyer',
      line1: '1 Market Street',
      city: 'Lyon',
      postal_code: '69001',
      country: 'FR',
      is_default: true,
    };
    serveReads(cart, [{ ...home, id: 'adr_work', line1: '9 Quai', is_default: false }, home]);
    const { sentCheckouts } = servePosts([placed]);
    const user = userEvent.setup();
    renderCheckout();
    const picked = await screen.findByRole('radio', { name: /1 Market Street/ });
    expect((picked as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByLabelText('Full name')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('checkout-total').textContent).toBe('$216.00'));
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));
    await screen.findByText('Payment step');
    expect(sentCheckouts[0]!.body).toMatchObject({ address_id: 'adr_home', expected_total: usd(21600) });
  });

  it('says which items ran out, fixes the cart and retries with a new key', async () => {
    serveReads();
    const patch = vi.spyOn(api, 'PATCH').mockImplementation((() => ok(cart)) as never);
    const remove = vi.spyOn(api, 'DELETE').mockImplementation((() => ok(cart)) as never);
    const fixed = cartOf([cartLine({ quantity: 1 })]);
    let quotes = 0;
    const { sentCheckouts } = servePosts(
      [
        () =>
          refused(409, {
            code: 'insufficient_stock',
            errors: [
              { variant_id: 'var_lamp', requested: 3, available: 1 },
              { variant_id: 'var_tea', requested: 1, available: 0 },
            ],
          }),
        placed,
      ],
      // The cart is fixed after the first checkout: later quotes price one lamp.
      () => (quotes++ > 0 && sentCheckouts.length > 0 ? quoteOf(fixed) : quoteOf(cart)),
    );
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
    const keys = sentCheckouts.map((init) => init.params!.header['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
    // The retry asks to be charged what the fixed cart comes to at the prices shown: one lamp.
    expect(sentCheckouts.map((init) => init.body.expected_total)).toEqual([usd(3 * 6900 + 900), usd(6900)]);
  });

  it('names a changed total and charges it only when the buyer accepts, under a new key', async () => {
    serveReads();
    const { sentCheckouts } = servePosts([
      () => refused(409, { code: 'price_changed', current_total: usd(3 * 7500 + 900) }),
      placed,
    ]);
    const user = userEvent.setup();
    renderCheckout();
    await fillAddress(user);
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Prices changed: your total is now $234.00, not $216.00.');
    expect(sentCheckouts).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Place the order for $234.00' }));
    await screen.findByText('Payment step');
    expect(sentCheckouts.map((init) => init.body.expected_total)).toEqual([usd(21600), usd(23400)]);
    expect(sentCheckouts[0]!.params!.header['idempotency-key']).not.toBe(
      sentCheckouts[1]!.params!.header['idempotency-key'],
    );
  });

  it('shows the server’s field errors at the field', async () => {
    serveReads();
    servePosts([
      () =>
        refused(422, {
          code: 'validation_failed',
          errors: [{ path: '/shipping_address/postal_code', message: 'is too long' }],
        }),
    ]);
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
