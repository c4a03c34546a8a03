import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { LoginPage } from './auth-pages';

const login = vi.hoisted(() => vi.fn());
vi.mock('../auth', () => ({ useAuth: () => ({ me: null, login }) }));

const refusal = (status: number, code: string) => new ApiError({ status, code, title: code });

function Landed() {
  return <p>Landed on {useLocation().pathname}</p>;
}

const renderLogin = () =>
  render(
    <MemoryRouter initialEntries={['/login?next=/orders']}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Landed />} />
      </Routes>
    </MemoryRouter>,
  );

const enterPassword = async () => {
  await userEvent.type(screen.getByLabelText('Email'), 'ann@example.com');
  await userEvent.type(screen.getByLabelText('Password'), 'the right password');
  await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
};

afterEach(() => {
  cleanup();
  login.mockReset();
});

describe('logging in to an account with two-factor sign-in', () => {
  it('asks for the code when the API answers mfa_required, then logs in with it', async () => {
    login.mockRejectedValueOnce(refusal(401, 'mfa_required')).mockResolvedValueOnce({ id: 'usr_1' });
    renderLogin();
    expect(screen.queryByLabelText('Two-factor code')).toBeNull();
    await enterPassword();
    await userEvent.type(await screen.findByLabelText('Two-factor code'), '123456');
    expect(screen.queryByRole('alert')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Verify and log in' }));
    expect(await screen.findByText('Landed on /orders')).toBeTruthy();
    expect(login.mock.calls).toEqual([
      [{ email: 'ann@example.com', password: 'the right password' }],
      [{ email: 'ann@example.com', password: 'the right password', otp: '123456' }],
    ]);
  });

  it('says the code was wrong, not the password, at the code step', async () => {
    login
      .mockRejectedValueOnce(refusal(401, 'mfa_required'))
      .mockRejectedValueOnce(refusal(401, 'invalid_credentials'));
    renderLogin();
    await enterPassword();
    await userEvent.type(await screen.findByLabelText('Two-factor code'), '000000');
    await userEvent.click(screen.getByRole('button', { name: 'Verify and log in' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'That code is not right, or was used already.',
    );
  });
});
