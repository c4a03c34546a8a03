import type { AccountEmail } from '../identity/index.js';
import type { MessageContent } from './email-content.js';

/** What each of identity's own emails says. */
export function accountEmailContent(email: AccountEmail, marketplaceName: string): MessageContent {
  switch (email.template) {
    case 'password_reset':
      return {
        title: `Reset your ${marketplaceName} password`,
        summary: `Someone asked to reset the password of your ${marketplaceName} account. If it was you, choose a new password with the link below; it works once, for ${email.validMinutes} minutes.`,
        details: ['If it was not you, ignore this email: your password stays as it is.'],
        action: { label: 'Choose a new password', url: email.url },
      };
    case 'email_verification':
      return {
        title: `Verify your email address for ${marketplaceName}`,
        summary: `Please confirm that this is your address. The link works once, for ${email.validHours} hours.`,
        action: { label: 'Verify my email', url: email.url },
      };
    case 'email_change_confirmation':
      return {
        title: `Confirm your new email address for ${marketplaceName}`,
        summary: `You asked to use this address for your ${marketplaceName} account. It takes effect when you confirm it; the link works once, for ${email.validHours} hours.`,
        action: { label: 'Confirm this address', url: email.url },
      };
    case 'email_change_requested':
      return {
        title: 'A change of your email address was requested',
        summary: `Someone signed in to your account asked to change its email address to ${email.newEmail}. Nothing changes until that address confirms it.`,
        details: ['If this was not you, reset your password now: whoever asked knows it.'],
      };
  }
}
