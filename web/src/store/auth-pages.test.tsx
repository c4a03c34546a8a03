import { cleanup, render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoginPage } from './auth-pages';

vi.mock('../auth', () => ({ useAuth: () => ({ me: { id: 'usr_1', roles: ['buyer'] } }) }));

function Landed() {
  const location = useLocation();
  return <p>Landed on {location.pathname}</p>;
}

const landingAfterLogin = async (next: string) => {
  render(
    <MemoryRouter initialEntries={[`/login?next=${encodeURIComponent(next)}`]}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Landed />} />
      </Routes>
    </MemoryRouter>,
  );
  return (await screen.findByText(/^Landed on/)).textContent;
};

afterEach(cleanup);

describe('the page after logging in', () => {
  it('is the path the person came from', async () => {
    expect(await landingAfterLogin('/orders/ord_1')).toBe('Landed on /orders/ord_1');
  });

  it.each(['//evil.example/x', '/\\evil.example/x', '/\t/evil.example/x', 'https://evil.example/x'])(
    'is the home page when "next" leads to another site (%j)',
    async (next) => {
      expect(await landingAfterLogin(next)).toBe('Landed on /');
    },
  );
});
