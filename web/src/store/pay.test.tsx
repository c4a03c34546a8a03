import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { PaymentPage } from './pay';
import type { Payment } from './types';

vi.mock('../auth', () => ({ useAuth: () => ({ me: { id: 'usr_1', roles: ['buyer'] } }) }));

const payment = (status: Payment['status'], failure_code: string | null = null): Payment => ({
  id: 'pay_1',
  status,
  amount: { amount: 4200, currency: 'USD' },
  provider: 'sandbox',
  orders: ['ord_1', 'ord_2'],
  failure_code,
  created_at: '2026-01-01T10:00:00Z',
  updated_at: '2026-01-01T10:00:00Z',
});
const ok = (data: unknown) => Promise.resolve({ data, response: new Response(null, { status: 200 }) });

const renderPaymentPage = () =>
  render(
    <MemoryRouter initialEntries={['/checkout/pay/pay_1']}>
      <Routes>
        <Route path="/checkout/pay/:paymentId" element={<PaymentPage />} />
      </Routes>
    </MemoryRouter>,
  );

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('the payment step', () => {
  it('explains a declined card, then pays with another method under a new key', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() => ok(payment('requires_confirmation'))) as never);
    const confirm = vi
      .spyOn(api, 'POST')
      .mockImplementationOnce((() => ok(payment('failed', 'card_declined'))) as never)
      .mockImplementationOnce((() => ok(payment('succeeded'))) as never);
    const user = userEvent.setup();
    renderPaymentPage();
    await user.click(await screen.findByRole('radio', { name: /Declined card/ }));
    await user.click(screen.getByRole('button', { name: 'Pay $42.00' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Your card was declined/);

    await user.click(screen.getByRole('radio', { name: /Visa/ }));
    await user.click(screen.getByRole('button', { name: 'Pay $42.00' }));
    await screen.findByText(/Payment received/);
    expect(screen.getAllByRole('link', { name: /Order \d of 2/ })).toHaveLength(2);

    const calls = (
      confirm.mock.calls as unknown as [
        string,
        { params: { header: Record<string, string> }; body: object },
      ][]
    ).map(([, init]) => init);
    expect(calls.map((call) => call.body)).toEqual([
      { payment_method: 'pm_card_declined' },
      { payment_method: 'pm_card_visa' },
    ]);
    expect(calls[0]?.params.header['idempotency-key']).not.toBe(calls[1]?.params.header['idempotency-key']);
  });

  it('follows a processing payment until it settles', async () => {
    vi.spyOn(api, 'GET')
      .mockImplementationOnce((() => ok(payment('processing'))) as never)
      .mockImplementationOnce((() => ok(payment('processing'))) as never)
      .mockImplementation((() => ok(payment('succeeded'))) as never);
    renderPaymentPage();
    await screen.findByText(/Waiting for your bank/);
    await screen.findByText(/Payment received/, undefined, { timeout: 4000 });
  });
});
