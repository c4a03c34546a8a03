import { createContext, type ReactNode, useContext } from 'react';
import { api, call } from './api/client';
import type { paths } from './api/schema';
import { Async } from './ui/feedback';
import { useApi } from './ui/use-api';

/** The currency every Money of this marketplace is in, and how many digits its minor unit has. */
export type Marketplace = paths['/v1/marketplace']['get']['responses'][200]['content']['application/json'];

const MarketplaceContext = createContext<Marketplace | null>(null);

/**
 * Loads the marketplace settings once, before the pages: every price typed or sent depends on them,
 * so no page has to handle their absence.
 */
export function MarketplaceProvider({ children }: { children: ReactNode }) {
  const marketplace = useApi(() => call(api.GET('/v1/marketplace')), []);
  return (
    <Async value={marketplace}>
      {(settings) => <MarketplaceContext.Provider value={settings}>{children}</MarketplaceContext.Provider>}
    </Async>
  );
}

export function useMarketplace(): Marketplace {
  const marketplace = useContext(MarketplaceContext);
  if (!marketplace) throw new Error('useMarketplace outside MarketplaceProvider');
  return marketplace;
}
