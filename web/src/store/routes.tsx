import { Fragment } from 'react';
import { Route } from 'react-router';
import { AddressesPage } from './addresses';
import { LoginPage, SignupPage } from './auth-pages';
import { CartPage } from './cart';
import { CheckoutPage } from './checkout';
import { HomePage } from './home';
import { OrderPage } from './order';
import { OrdersPage } from './orders';
import { PaymentPage } from './pay';
import { ProductPage } from './product';
import { ReturnPage } from './returns';
import { SearchPage } from './search';
import { TwoFactorPage } from './two-factor';

export const storeRoutes = (
  <Fragment>
    <Route index element={<HomePage />} />
    <Route path="search" element={<SearchPage />} />
    <Route path="products/:id" element={<ProductPage />} />
    <Route path="cart" element={<CartPage />} />
    <Route path="checkout" element={<CheckoutPage />} />
    <Route path="checkout/pay/:paymentId" element={<PaymentPage />} />
    <Route path="orders" element={<OrdersPage />} />
    <Route path="orders/:id" element={<OrderPage />} />
    <Route path="returns/:id" element={<ReturnPage />} />
    <Route path="login" element={<LoginPage />} />
    <Route path="signup" element={<SignupPage />} />
    <Route path="account/two-factor" element={<TwoFactorPage />} />
    <Route path="account/addresses" element={<AddressesPage />} />
  </Fragment>
);
