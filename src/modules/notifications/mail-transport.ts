import nodemailer from 'nodemailer';

export interface OutgoingEmail {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Hands an email to a mail relay; throws when the relay did not take it. */
export interface MailTransport {
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

/** SMTP through nodemailer (`smtp://user:pass@host:port`, `smtps://…`), over a small pool of connections. */
export function smtpTransport(url: string, messageIdDomain: string): MailTransport {
  const transporter = nodemailer.createTransport(url, {});
  return {
    async send(email) {
      await transporter.sendMail({
        from: email.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        // Stable per email, so a resend after a crash is recognisably the same message.
        messageId: `<${email.id}@${messageIdDomain}>`,
      });
    },
    close() {
      transporter.close();
    },
  };
}

/**
 * Whether the relay refused this email for good: a 5xx answer to its recipient or its content.
 * Anything else (the relay unreachable, 4xx "try later", a 5xx to the login) may pass when retried.
 */
export function isPermanentMailFailure(error: unknown): boolean {
  const { responseCode, command } = (error ?? {}) as { responseCode?: unknown; command?: unknown };
  return (
    typeof responseCode === 'number' &&
    responseCode >= 500 &&
    responseCode < 600 &&
    (command === 'RCPT TO' || command === 'DATA')
  );
}
