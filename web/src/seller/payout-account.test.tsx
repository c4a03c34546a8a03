import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { PayoutAccountPanel } from './payout-account';

const answer = (data: unknown, status = 200) =>
  Promise.resolve({ data, response: new Response(null, { status }) });
const account = (fields: object) => ({
  id: 'pa_1',
  provider: 'sandbox',
  status: 'pending',
  onboarding_url: 'http://localhost/sandbox/onboarding/acct_1',
  requirements: ['external_account'],
  created_at: '2026-12-06T10:00:00Z',
  ...fields,
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('the payout account panel', () => {
  it('offers to set one up when the shop has none, then links to the onboarding and lists what is needed', async () => {
    const get = vi
      .spyOn(api, 'GET')
      .mockImplementationOnce((() => answer({ code: 'not_found', status: 404 }, 404)) as never)
      .mockImplementationOnce((() => answer(account({ status: 'restricted' }))) as never);
    const post = vi.spyOn(api, 'POST').mockImplementation((() => answer(account({}), 201)) as never);
    const onEnabled = vi.fn();
    render(<PayoutAccountPanel onEnabled={onEnabled} />);
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Set up payouts' }));
    expect(post).toHaveBeenCalledWith('/v1/shop/payout-account');
    expect((await screen.findByTestId('payout-account-status')).textContent).toBe('restricted');
    expect(screen.getByText('external_account')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Complete your payout account' }).getAttribute('href')).toBe(
      'http://localhost/sandbox/onboarding/acct_1',
    );
    expect(get).toHaveBeenCalledTimes(2);
    expect(onEnabled).toHaveBeenLastCalledWith(false);
  });

  it('says payouts may be requested once the account is enabled', async () => {
    vi.spyOn(api, 'GET').mockImplementation((() =>
      answer(account({ status: 'enabled', onboarding_url: null, requirements: [] }))) as never);
    const onEnabled = vi.fn();
    render(<PayoutAccountPanel onEnabled={onEnabled} />);
    expect((await screen.findByTestId('payout-account-status')).textContent).toBe('enabled');
    expect(screen.queryByRole('link', { name: 'Complete your payout account' })).toBeNull();
    expect(onEnabled).toHaveBeenLastCalledWith(true);
  });
});
