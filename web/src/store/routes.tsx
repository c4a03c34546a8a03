import { Fragment } from 'react';

export const storeRoutes = <Fragment />;
