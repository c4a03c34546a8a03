import { Fragment } from 'react';

export const sellerRoutes = <Fragment />;
