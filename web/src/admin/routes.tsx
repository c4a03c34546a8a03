import { Fragment } from 'react';
import { Route } from 'react-router';
import { AdminHomePage } from './home';
import { AdminReviewsPage } from './reviews';
import { TrialBalancePage } from './trial-balance';

export const adminRoutes = (
  <Fragment>
    <Route path="/admin" element={<AdminHomePage />} />
    <Route path="/admin/reviews" element={<AdminReviewsPage />} />
    <Route path="/admin/trial-balance" element={<TrialBalancePage />} />
  </Fragment>
);
