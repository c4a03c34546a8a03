import createClient, { type Middleware } from 'openapi-fetch';
import type { Money } from '../format';
import type { paths } from './schema';

/** An RFC 9457 problem as the API sends it. */
export interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  /** `validation_failed`: FieldError items; `insufficient_stock`: StockShortage items. */
  errors?: (FieldError | StockShortage)[];
  /** `price_changed`: the total checkout would charge now. */
  current_total?: Money;
}

export interface FieldError {
  path: string;
  message: string;
}

export interface StockShortage {
  variant_id: string;
  requested: number;
  available: number;
}

export const fieldErrorsOf = (problem: Problem): FieldError[] =>
  (problem.errors ?? []).filter((e): e is FieldError => 'path' in e);

export const stockShortagesOf = (problem: Problem): StockShortage[] =>
  (problem.errors ?? []).filter((e): e is StockShortage => 'variant_id' in e);

/** A request the API refused, or that never reached it. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string {
    return this.problem.code;
  }
}

const TOKEN_KEY = 'bazaar.token';

export const session = {
  token(): string | null {
    return localStorage.getItem(TOKEN_KEY);
  },
  set(token: string | null): void {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  },
};

const CART_TOKEN_KEY = 'bazaar.cart_token';
const ORDER_TOKENS_KEY = 'bazaar.order_tokens';

/**
 * A guest's cart token: it stands in for a session on the cart, the quote and checkout, and is
 * sent at sign-in so the cart joins the account's (after which it no longer works).
 */
export const guestCart = {
  token(): string | null {
    return localStorage.getItem(CART_TOKEN_KEY);
  },
  set(token: string | null): void {
    if (token) localStorage.setItem(CART_TOKEN_KEY, token);
    else localStorage.removeItem(CART_TOKEN_KEY);
  },
};

/** A guest checkout's order token, by the ids of the orders and payment it opens. */
export const orderTokens = {
  all(): Record<string, string> {
    try {
      return JSON.parse(localStorage.getItem(ORDER_TOKENS_KEY) ?? '{}') as Record<string, string>;
    } catch {
      return {};
    }
  },
  of(id: string): string | undefined {
    return orderTokens.all()[id];
  },
  remember(token: string, ids: readonly string[]): void {
    const all = orderTokens.all();
    for (const id of ids) all[id] = token;
    localStorage.setItem(ORDER_TOKENS_KEY, JSON.stringify(all));
  },
};

/** The order or payment a request is about, when it names one. */
const GUEST_ORDER_PATH = /^\/v1\/(?:orders|payments)\/([^/]+)/;

const authorize: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token && !request.headers.has('authorization'))
      request.headers.set('authorization', `Bearer ${token}`);
    // Signed out: a guest cart, if there is one, answers for the cart (and joins the account at sign-in).
    const cartToken = guestCart.token();
    if (!token && cartToken) request.headers.set('bazaar-cart-token', cartToken);
    const about = GUEST_ORDER_PATH.exec(new URL(request.url).pathname)?.[1];
    const orderToken = about && orderTokens.of(decodeURIComponent(about));
    if (orderToken) request.headers.set('bazaar-order-token', orderToken);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(authorize);

/** One key per attempt at a non-repeatable action: a retry of the same attempt reuses it. */
export const newIdempotencyKey = (): string => crypto.randomUUID();

function problemOf(error: unknown, response: Response | undefined): Problem {
  if (error && typeof error === 'object' && 'code' in error && 'status' in error) return error as Problem;
  if (!response) {
    return {
      status: 0,
      code: 'network',
      title: 'No connection',
      detail: 'Could not reach Bazaar. Check your connection and try again.',
    };
  }
  return {
    status: response.status,
    code: 'http_error',
    title: response.statusText || `HTTP ${response.status}`,
  };
}

/**
 * The data of an openapi-fetch answer, or an ApiError carrying the problem. A failed fetch (offline,
 * server down) becomes a problem with status 0 so that pages show one kind of error.
 */
export async function call<T>(
  request: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await request;
  } catch {
    throw new ApiError(problemOf(undefined, undefined));
  }
  if (answer.response.ok) return answer.data as T;
  throw new ApiError(problemOf(answer.error, answer.response));
}

/** What to tell a person about a failed request. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = fieldErrorsOf(error.problem).map((e) => `${e.path.split('/').pop()}: ${e.message}`);
    const detail = error.problem.detail ?? error.problem.title;
    return fields.length ? `${detail} (${fields.join('; ')})` : detail;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}
