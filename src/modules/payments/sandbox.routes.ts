import type { FastifyInstance } from 'fastify';
import { SANDBOX_ONBOARDING_PATH, type SandboxProvider } from './sandbox.js';

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Only a path of this server, so the page cannot send anyone elsewhere. */
function returnPathOf(value: unknown, publicUrl: string): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value, publicUrl);
    return url.origin === new URL(publicUrl).origin ? `${url.pathname}${url.search}` : null;
  } catch {
    return null;
  }
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
}

/**
 * The sandbox's stand-in for Stripe's hosted onboarding: a server-rendered page whose form POST
 * completes the payout account (no JavaScript), which then sends the signed `account.updated`
 * webhook like Stripe would. The account id in the path is random and unguessable; it is the
 * sandbox's, so no real money ever depends on it.
 */
export function sandboxOnboardingRoutes(
  app: FastifyInstance,
  sandbox: SandboxProvider,
  publicUrl: string,
): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body.toString()))),
    );
    const path = `${SANDBOX_ONBOARDING_PATH}/:account`;
    const hide = { schema: { hide: true } };

    scope.get<{ Params: { account: string }; Querystring: { return_to?: string } }>(
      path,
      hide,
      async (request, reply) => {
        const state = await sandbox.onboardingState(request.params.account);
        reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
        if (!state)
          return reply.status(404).send(page('No such account', '<p>This onboarding link is not valid.</p>'));
        const back = returnPathOf(request.query.return_to, publicUrl);
        if (state === 'enabled') {
          return page(
            'Payout account ready',
            `<p>This sandbox payout account is enabled.</p>${back ? `<p><a href="${escapeHtml(back)}">Back to Bazaar</a></p>` : ''}`,
          );
        }
        return page(
          'Set up payouts (sandbox)',
          `<p>This is the sandbox payment provider: no bank details are needed. Accept the terms to enable
payouts to this account.</p>
<form method="post">
<input type="hidden" name="return_to" value="${escapeHtml(back ?? '')}">
<label><input type="checkbox" name="accept_terms" value="yes" required> I accept the sandbox terms of service</label>
<p><button type="submit">Complete account</button></p>
</form>`,
        );
      },
    );

    scope.post<{ Params: { account: string }; Body: Record<string, string> | undefined }>(
      path,
      hide,
      async (request, reply) => {
        const form = request.body ?? {};
        reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
        if (form.accept_terms !== 'yes') {
          return reply
            .status(422)
            .send(page('Terms not accepted', '<p>Accept the terms to enable payouts.</p>'));
        }
        if (!(await sandbox.completeOnboarding(request.params.account))) {
          return reply.status(404).send(page('No such account', '<p>This onboarding link is not valid.</p>'));
        }
        const back = returnPathOf(form.return_to, publicUrl);
        if (back) return reply.redirect(back, 303);
        return page('Payout account ready', '<p>This sandbox payout account is enabled.</p>');
      },
    );
  });
}
