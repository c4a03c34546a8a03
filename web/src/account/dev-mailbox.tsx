import { Fragment, useEffect, useState } from 'react';
import { api } from '../api/client';
import { formatDateTime } from '../format';
import { Async } from '../ui/feedback';
import { useApi } from '../ui/use-api';

/** Whether this server shows its dev mailbox (BAZAAR_DEV_MAILBOX, to this machine): undefined while asking. */
export function useDevMailbox(): boolean | undefined {
  const [served, setServed] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    let current = true;
    api.GET('/v1/dev/mailbox').then(
      ({ response }) => current && setServed(response.ok),
      () => current && setServed(false),
    );
    return () => {
      current = false;
    };
  }, []);
  return served;
}

const LINK = /(https?:\/\/[^\s<>"]+)/g;

/** An email's text with its links clickable (text only: an email's HTML is never put in this page). */
export function LinkedText({ text }: { text: string }) {
  let offset = 0;
  const parts = text.split(LINK).map((part, index) => {
    const piece = { at: offset, part, isLink: index % 2 === 1 };
    offset += part.length;
    return piece;
  });
  return (
    <>
      {parts.map(({ at, part, isLink }) =>
        isLink ? (
          <a key={`link-${at}`} href={part}>
            {part}
          </a>
        ) : (
          <Fragment key={`text-${at}`}>{part}</Fragment>
        ),
      )}
    </>
  );
}

/** The mail this server kept or sent lately, for development without an SMTP server. */
export function DevMailboxPage() {
  const mailbox = useApi(async () => {
    const { data, response } = await api.GET('/v1/dev/mailbox');
    return response.ok && data ? data.data : null;
  }, []);
  return (
    <section className="stack">
      <div className="row">
        <h1>Dev mailbox</h1>
        <button type="button" className="button-secondary" onClick={mailbox.reload}>
          Refresh
        </button>
      </div>
      <Async value={mailbox}>
        {(emails) =>
          emails === null ? (
            <p className="notice notice-info">
              This server does not show a dev mailbox (set BAZAAR_DEV_MAILBOX=true, and open it from the
              server's machine).
            </p>
          ) : emails.length === 0 ? (
            <p className="muted">No email yet.</p>
          ) : (
            <ol className="mailbox">
              {emails.map((email) => (
                <li key={email.id} className="card">
                  <h2>{email.subject}</h2>
                  <p className="muted">
                    To {email.to} · {formatDateTime(email.sent_at)}
                  </p>
                  <pre className="mail-text">
                    <LinkedText text={email.text} />
                  </pre>
                </li>
              ))}
            </ol>
          )
        }
      </Async>
    </section>
  );
}
