import QRCode from 'qrcode';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, call, fieldErrorsOf, messageOf } from '../api/client';
import { useAuth } from '../auth';
import { TextField } from '../ui/field';
import { RequireAuth } from '../ui/layout';
import { useAction } from '../ui/use-api';

type Setup = { secret: string; otpauth_url: string };

/** The problem of `error` at one field of the request, if the API named it. */
const fieldError = (error: unknown, path: string): string | null =>
  error instanceof ApiError
    ? (fieldErrorsOf(error.problem).find((e) => e.path === path)?.message ?? null)
    : null;

/**
 * The otpauth URL as a QR code, drawn in the browser (the secret never leaves it) as an SVG image
 * in a data: URL, which the CSP allows where it would refuse inline scripts and styles.
 */
export function QrCode({ text }: { text: string }) {
  const [source, setSource] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    void QRCode.toString(text, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }).then((svg) => {
      if (current) setSource(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    });
    return () => {
      current = false;
    };
  }, [text]);
  if (!source) return null;
  return (
    <img
      className="qr-code"
      src={source}
      alt="QR code to scan with your authenticator app"
      width={200}
      height={200}
    />
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone(): void }) {
  return (
    <div className="card">
      <h2>Your recovery codes</h2>
      <p className="notice notice-info">
        Two-factor sign-in is on. Keep these codes somewhere safe: each lets you log in once if you lose your
        authenticator. They are shown only now.
      </p>
      <ol className="recovery-codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <button type="button" onClick={onDone}>
        I have saved them
      </button>
    </div>
  );
}

function TurnOn({ onEnabled }: { onEnabled(codes: string[]): void }) {
  const [setup, setSetup] = useState<Setup | null>(null);
  const [code, setCode] = useState('');
  const start = useAction(async () => {
    setSetup(await call(api.POST('/v1/me/2fa/setup')));
    setCode('');
  });
  const enable = useAction(async () => {
    const answer = await call(api.POST('/v1/me/2fa/enable', { body: { code: code.trim() } }));
    onEnabled(answer.recovery_codes);
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void enable.run();
  };
  if (!setup) {
    return (
      <div className="card">
        <p>
          Two-factor sign-in is <strong>off</strong>. Turn it on to ask for a code from an authenticator app
          (such as Google Authenticator, Aegis or 1Password) each time you log in.
        </p>
        {start.error !== null && (
          <p className="notice notice-error" role="alert">
            {messageOf(start.error)}
          </p>
        )}
        <button type="button" disabled={start.pending} onClick={() => void start.run()}>
          {start.pending ? 'Starting…' : 'Set up two-factor sign-in'}
        </button>
      </div>
    );
  }
  const codeError = fieldError(enable.error, '/code');
  return (
    <div className="card">
      <h2>Scan this code</h2>
      <p>Scan the QR code with your authenticator app, or type in the key below.</p>
      <QrCode text={setup.otpauth_url} />
      <p>
        Key: <code className="totp-secret">{setup.secret}</code>
      </p>
      <form className="form" onSubmit={onSubmit}>
        <TextField
          id="two-factor-code"
          label="Code from the app"
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          maxLength={6}
          value={code}
          onChange={setCode}
          error={codeError && 'That code is not right. Check the app and try the current code.'}
        />
        {enable.error !== null && !codeError && (
          <p className="notice notice-error" role="alert">
            {messageOf(enable.error)}
          </p>
        )}
        <button type="submit" disabled={enable.pending}>
          {enable.pending ? 'Turning on…' : 'Turn on'}
        </button>
      </form>
    </div>
  );
}

function TurnOff({ onDisabled }: { onDisabled(): void }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const disable = useAction(async () => {
    await call(api.POST('/v1/me/2fa/disable', { body: { current_password: password, code: code.trim() } }));
    onDisabled();
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void disable.run();
  };
  const passwordError = fieldError(disable.error, '/current_password');
  const codeError = fieldError(disable.error, '/code');
  return (
    <div className="card">
      <p>
        Two-factor sign-in is <strong>on</strong>: logging in asks for a code from your authenticator app or a
        recovery code.
      </p>
      <h2>Turn it off</h2>
      <form className="form" onSubmit={onSubmit}>
        <TextField
          id="two-factor-password"
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
          error={passwordError && 'That is not your password.'}
        />
        <TextField
          id="two-factor-disable-code"
          label="Code from the app, or a recovery code"
          autoComplete="one-time-code"
          required
          value={code}
          onChange={setCode}
          error={codeError && 'That code is not right, or was used already.'}
        />
        {disable.error !== null && !passwordError && !codeError && (
          <p className="notice notice-error" role="alert">
            {messageOf(disable.error)}
          </p>
        )}
        <button type="submit" className="button-danger" disabled={disable.pending}>
          {disable.pending ? 'Turning off…' : 'Turn off two-factor sign-in'}
        </button>
      </form>
    </div>
  );
}

function TwoFactorSettings() {
  const { me, refresh } = useAuth();
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (!me) return null;
  return (
    <section className="account-page">
      <h1>Two-factor sign-in</h1>
      {notice && (
        <p className="notice notice-success" role="status">
          {notice}
        </p>
      )}
      {recoveryCodes ? (
        <RecoveryCodes codes={recoveryCodes} onDone={() => setRecoveryCodes(null)} />
      ) : me.two_factor_enabled ? (
        <TurnOff
          onDisabled={() => {
            setNotice('Two-factor sign-in is off.');
            void refresh();
          }}
        />
      ) : (
        <TurnOn
          onEnabled={(codes) => {
            setNotice(null);
            setRecoveryCodes(codes);
            void refresh();
          }}
        />
      )}
    </section>
  );
}

export const TwoFactorPage = () => (
  <RequireAuth>
    <TwoFactorSettings />
  </RequireAuth>
);
