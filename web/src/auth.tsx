import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, call, guestCart, session } from './api/client';
import type { paths } from './api/schema';

export type Me = paths['/v1/me']['get']['responses'][200]['content']['application/json'];
type Credentials = { email: string; password: string };

interface Auth {
  /** undefined while the session is being checked (or could not be); null when signed out. */
  me: Me | null | undefined;
  /** Why the session could not be checked (the API unreachable, say): not a reason to sign out. */
  error: unknown;
  /** `otp`: a TOTP or recovery code, for an account with two-factor sign-in (after `mfa_required`). */
  login(credentials: Credentials & { otp?: string }): Promise<Me>;
  signup(details: Credentials & { name: string }): Promise<Me>;
  logout(): Promise<void>;
  /** Reads the account again (after opening a shop, say). */
  refresh(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

async function loadMe(): Promise<Me | null> {
  if (!session.token()) return null;
  try {
    return await call(api.GET('/v1/me'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.set(null);
      return null;
    }
    throw error;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(async () => {
    setError(null);
    try {
      setMe(await loadMe());
    } catch (failure) {
      // The token may still be good: keep it, and let pages offer to try again.
      setError(failure);
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const signIn = useCallback(async (answer: { token: string }) => {
    session.set(answer.token);
    // The guest cart went with the sign-in (its token header) into the account's cart.
    guestCart.set(null);
    const account = await call(api.GET('/v1/me'));
    setMe(account);
    setError(null);
    return account;
  }, []);

  const auth = useMemo<Auth>(
    () => ({
      me,
      error,
      login: async (body) => signIn(await call(api.POST('/v1/auth/login', { body }))),
      signup: async (body) => signIn(await call(api.POST('/v1/auth/register', { body }))),
      logout: async () => {
        await call(api.POST('/v1/auth/logout')).catch(() => {});
        session.set(null);
        setMe(null);
      },
      refresh,
    }),
    [me, error, signIn, refresh],
  );
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}
