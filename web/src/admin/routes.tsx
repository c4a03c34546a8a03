import { Fragment } from 'react';

export const adminRoutes = <Fragment />;
