import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, test as base, beforeAll } from 'vitest';
import { freePort } from '../../test/free-port.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = path.join(REPO, 'test-results');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Bazaar {
  url: string;
  /** Where `/metrics` is served: its own loopback port (BAZAAR_METRICS_PORT). */
  metricsUrl: string;
  stop(): Promise<void>;
}

/**
 * `bazaar start` (API, web app, worker) on a fresh embedded database seeded with the demo
 * marketplace, on a free port, with its metrics on another, and `env` on top; resolves once it serves.
 */
export async function startBazaar(env: Record<string, string> = {}): Promise<Bazaar> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bazaar-e2e-'));
  const port = await freePort();
  const metricsPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      BAZAAR_DATA_DIR: dataDir,
      BAZAAR_PUBLIC_URL: url,
      BAZAAR_METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<never>((_, reject) =>
    server.once('exit', (code) => reject(new Error(`bazaar start exited with ${code}`))),
  );
  const deadline = Date.now() + 150_000;
  for (;;) {
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error('bazaar start did not serve within 150 s');
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 250)), exited]);
  }
  return {
    url,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    async stop() {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Reports every Content Security Policy violation of a page to `__reportCspViolation`: the event
 * the browser fires for each blocked script, style, image, frame or connection, before the page's
 * own scripts run.
 */
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (event) => {
  window.__reportCspViolation(
    event.violatedDirective + ' blocked ' + (event.blockedURI || 'an inline resource') +
      ' on ' + event.documentURI + ' (' + (event.sourceFile || 'the page') + ':' + event.lineNumber + ')',
  );
});`;

/**
 * A vitest `test` whose `browse` fixture opens a fresh browser context (no shared session) on the
 * server at `url()`: a phone-width or desktop viewport. Each failing test leaves a screenshot of
 * every page it opened in test-results/. A test whose pages broke the server's Content Security
 * Policy fails, whatever it asserted: the policy must never block what the web app or /docs need.
 */
export function browserTest(browser: () => Browser, url: () => string) {
  return base.extend<{ browse: (options?: { phone?: boolean }) => Promise<Page> }>({
    browse: async ({ task }, use) => {
      const contexts: BrowserContext[] = [];
      const pages: Page[] = [];
      const cspViolations: string[] = [];
      await use(async ({ phone = false } = {}) => {
        const context = await browser().newContext({
          baseURL: url(),
          viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 800 },
          ...(phone ? { isMobile: true, hasTouch: true } : {}),
        });
        contexts.push(context);
        await context.exposeFunction('__reportCspViolation', (violation: string) => {
          cspViolations.push(violation);
        });
        await context.addInitScript(REPORT_CSP_VIOLATIONS);
        const page = await context.newPage();
        // Chromium also logs each violation (one the event misses, such as a blocked eval).
        page.on('console', (message) => {
          if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
        });
        pages.push(page);
        return page;
      });
      if (task.result?.state === 'fail' || cspViolations.length > 0) {
        await mkdir(SCREENSHOTS, { recursive: true });
        const name = task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
        await Promise.all(
          pages.map((page, index) =>
            page
              .screenshot({ path: path.join(SCREENSHOTS, `${name}-${index + 1}.png`), fullPage: true })
              .catch(() => {}),
          ),
        );
      }
      await Promise.all(contexts.map((context) => context.close()));
      if (cspViolations.length > 0) {
        throw new Error(`Content Security Policy violations:\n  ${cspViolations.join('\n  ')}`);
      }
    },
  });
}

/**
 * Bazaar and Chromium for the calling test file, started before its tests and stopped after them.
 * `test` is browserTest on them; `url()` is the server's, for requests that bypass the pages, and
 * `metricsUrl()` its metrics port's.
 */
export function bazaarForThisFile(options: { env?: Record<string, string> } = {}) {
  let bazaar: Bazaar | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [bazaar, browser] = await Promise.all([startBazaar(options.env), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await bazaar?.stop();
  });
  const url = () => bazaar!.url;
  return { test: browserTest(() => browser!, url), url, metricsUrl: () => bazaar!.metricsUrl };
}
