import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { accountRoutes } from './account/routes';
import { adminRoutes } from './admin/routes';
import { AuthProvider } from './auth';
import { MarketplaceProvider } from './marketplace';
import { sellerRoutes } from './seller/routes';
import { storeRoutes } from './store/routes';
import { Layout } from './ui/layout';
import { NotFound } from './ui/not-found';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <AuthProvider>
        <MarketplaceProvider>
          <Routes>
            <Route element={<Layout />}>
              {storeRoutes}
              {accountRoutes}
              {sellerRoutes}
              {adminRoutes}
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </MarketplaceProvider>
      </AuthProvider>
    </BrowserRouter>
  </StrictMode>,
);
