import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { CartPage } from './cart';
import { cartLine, cartOf } from './test-carts';

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
});
