import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { PayoutForm } from './money';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const balance = { pending: usd(0), available: usd(5000), paid_out: usd(0) };
const created = (amount: number) =>
  Promise.resolve({
    data: { id: 'po_1', amount: usd(amount), status: 'pending', created_at: '2026-01-01T10:00:00Z' },
    response: new Response(null, { status: 201 }),
  });

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const keyOf = (call: unknown[]) =>
  (call[1] as { params: { header: { 'idempotency-key': string } } }).params.header['idempotency-key'];

describe('the payout form', () => {
  it('refuses more than is available without asking the API', async () => {
    const post = vi.spyOn(api, 'POST');
    const user = userEvent.setup();
    render(<PayoutForm balance={balance} onPaid={() => {}} />);
    await user.type(screen.getByLabelText('Payout amount'), '50.01');
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
    render(<PayoutForm balance={balance} onPaid={onPaid} />);
    const amount = screen.getByLabelText('Payout amount');
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
});
