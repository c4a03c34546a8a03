import { Fragment } from 'react';
import { Route } from 'react-router';
import { AccountPage } from './account-page';
import { DevMailboxPage } from './dev-mailbox';
import { ConfirmEmailChangePage, VerifyEmailPage } from './email-pages';
import { NotificationsPage } from './notifications';
import { ForgotPasswordPage, ResetPasswordPage } from './recovery-pages';

/** The account's pages: recovery and email links (opened from email), settings and notifications. */
export const accountRoutes = (
  <Fragment>
    <Route path="/account" element={<AccountPage />} />
    <Route path="/notifications" element={<NotificationsPage />} />
    <Route path="/forgot-password" element={<ForgotPasswordPage />} />
    <Route path="/reset-password" element={<ResetPasswordPage />} />
    <Route path="/verify-email" element={<VerifyEmailPage />} />
    <Route path="/confirm-email-change" element={<ConfirmEmailChangePage />} />
    <Route path="/dev/mailbox" element={<DevMailboxPage />} />
  </Fragment>
);
