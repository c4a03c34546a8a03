import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { CartPage } from './cart';
import { cartLine, cartOf, usd } from './test-carts';

vi.mock('../auth', () => ({ useAuth: () => ({ me: { id: 'usr_1', roles: ['buyer'] }, error: null }) }));

const cart = cartOf([cartLine({ quantity: 2 })]);

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('the cart page', () => {
  it('puts back the quantity the cart has when a change is refused, and says why', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() =>
      Promise.resolve({ data: cart, response: new Response(null, { status: 200 }) })) as never);
    vi.spyOn(api, 'PATCH').mockImplementation((() =>
      Promise.resolve({
        error: {
          status: 409,
          code: 'insufficient_stock',
          title: 'Insufficient stock',
          detail: 'Only 3 left.',
          errors: [{ variant_id: 'var_lamp', requested: 9, available: 3 }],
        },
        response: new Response(null, { status: 409 }),
      })) as never);
    render(
      <MemoryRouter>
        <CartPage />
      </MemoryRouter>,
    );
    const box = await screen.findByLabelText('Quantity of Brass desk lamp');
    await userEvent.clear(box);
    await userEvent.type(box, '9{Enter}');
    await screen.findByText(/Only 3 left\./);
    expect(box).toHaveProperty('value', '2');
  });

  it('says why a code is refused, and shows an applied code with its discount per line and per shop', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() =>
      Promise.resolve({ data: cart, response: new Response(null, { status: 200 }) })) as never);
    const discounted = {
      ...cartOf([cartLine({ quantity: 2, discount: usd(1380) })]),
      promotions: [{ id: 'prm_1', code: 'LAMP10', amount: usd(1380), funded_by: 'shop' as const }],
      discount_total: usd(1380),
    };
    vi.spyOn(api, 'POST')
      .mockImplementationOnce((() =>
        Promise.resolve({
          error: {
            status: 422,
            code: 'promotion_not_applicable',
            reason: 'promotion_ended',
            title: 'Promotion not applicable',
            detail: 'This code does not apply: the promotion has ended.',
          },
          response: new Response(null, { status: 422 }),
        })) as never)
      .mockImplementationOnce((() =>
        Promise.resolve({ data: discounted, response: new Response(null, { status: 200 }) })) as never);
    render(
      <MemoryRouter>
        <CartPage />
      </MemoryRouter>,
    );
    const field = await screen.findByLabelText('Discount code');
    await userEvent.type(field, 'OLD5{Enter}');
    const refusal = await screen.findByText('This code does not apply: the promotion has ended.');
    expect(field.getAttribute('aria-describedby')).toBe(refusal.id);
    await userEvent.clear(field);
    await userEvent.type(field, 'lamp10{Enter}');
    await screen.findByRole('button', { name: 'Remove code LAMP10' });
    expect(screen.getByText('Discount on Brass desk lamp').parentElement?.textContent).toContain('−$13.80');
    expect(screen.getByText("Discount from Ada's Atelier")).toBeTruthy();
    expect(screen.getByTestId('cart-total').textContent).toBe('$124.20');
  });
});
