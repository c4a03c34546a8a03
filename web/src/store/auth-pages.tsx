import { type FormEvent, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError, fieldErrorsOf, messageOf } from '../api/client';
import { useAuth } from '../auth';
import { TextField } from '../ui/field';
import { useAction } from '../ui/use-api';

/**
 * Where to go after signing in: a path on this site only, never another origin. Checked by resolving it
 * as the browser will: "/\evil.example" (a backslash) or "/<tab>/evil.example" lead to another origin too.
 */
export function safeNext(next: string | null): string {
  if (!next?.startsWith('/')) return '/';
  return new URL(next, window.location.origin).origin === window.location.origin ? next : '/';
}

function problemText(error: unknown, mode: 'login' | 'signup', codeStep: boolean): string {
  if (!(error instanceof ApiError)) return messageOf(error);
  // At the code step the password was right: what was refused is the code.
  if (error.code === 'invalid_credentials' && codeStep) return 'That code is not right, or was used already.';
  if (error.code === 'invalid_credentials') return 'That email and password do not match an account.';
  if (error.code === 'conflict' && mode === 'signup')
    return 'An account with this email already exists. Log in instead?';
  if (error.code === 'rate_limited') return 'Too many attempts. Wait a few minutes and try again.';
  if (error.code === 'validation_failed') {
    const password = fieldErrorsOf(error.problem).find((field) => field.path.endsWith('/password'));
    if (password) return `Choose another password: the ${password.message}.`;
  }
  return messageOf(error);
}

function AuthForm({ mode }: { mode: 'login' | 'signup' }) {
  const { me, login, signup } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const [email, setEmail] = useState(() => params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  /** Set once the API answered mfa_required: the password was right, a second factor is needed. */
  const [codeStep, setCodeStep] = useState(false);
  const [otp, setOtp] = useState('');
  const submit = useAction(async () => {
    if (mode === 'signup') await signup({ email: email.trim(), password, name: name.trim() });
    else {
      try {
        await login({ email: email.trim(), password, ...(codeStep ? { otp: otp.trim() } : {}) });
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'mfa_required')) throw error;
        setCodeStep(true);
        return;
      }
    }
    navigate(next, { replace: true });
  });
  if (me && !submit.pending) return <Navigate to={next} replace />;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit.run();
  };
  const other = mode === 'login' ? '/signup' : '/login';
  const otherQuery = next === '/' ? '' : `?next=${encodeURIComponent(next)}`;
  return (
    <section className="auth-page card">
      <h1>{mode === 'login' ? 'Log in' : 'Create your account'}</h1>
      <form className="form" onSubmit={onSubmit}>
        {mode === 'signup' && (
          <TextField
            id="auth-name"
            label="Name"
            autoComplete="name"
            required
            value={name}
            onChange={setName}
          />
        )}
        <TextField
          id="auth-email"
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={setEmail}
        />
        <TextField
          id="auth-password"
          label="Password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          required
          minLength={mode === 'signup' ? 8 : undefined}
          hint={mode === 'signup' ? 'At least 8 characters; avoid common passwords.' : undefined}
          value={password}
          onChange={setPassword}
        />
        {codeStep && (
          <TextField
            id="auth-otp"
            label="Two-factor code"
            autoComplete="one-time-code"
            required
            maxLength={64}
            hint="The 6-digit code from your authenticator app, or one of your recovery codes."
            value={otp}
            onChange={setOtp}
          />
        )}
        {submit.error !== null && (
          <p className="notice notice-error" role="alert">
            {problemText(submit.error, mode, codeStep)}
          </p>
        )}
        <button type="submit" disabled={submit.pending}>
          {mode === 'login'
            ? submit.pending
              ? 'Logging in…'
              : codeStep
                ? 'Verify and log in'
                : 'Log in'
            : submit.pending
              ? 'Creating…'
              : 'Sign up'}
        </button>
      </form>
      {mode === 'login' && (
        <p>
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
      )}
      <p>
        {mode === 'login' ? 'New to Bazaar? ' : 'Already have an account? '}
        <Link to={`${other}${otherQuery}`}>{mode === 'login' ? 'Create an account' : 'Log in'}</Link>
      </p>
    </section>
  );
}

export const LoginPage = () => <AuthForm key="login" mode="login" />;
export const SignupPage = () => <AuthForm key="signup" mode="signup" />;
