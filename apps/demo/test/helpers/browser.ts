import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { backends, type TestDatabase } from '@section-sync/testing';
import type { FastifyInstance } from 'fastify';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { expect } from 'vitest';
import { type BuildOptions, build, WEB_ROOT } from '../../src/app.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

if (!haveChromium) {
  console.warn(
    `[section-sync] browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The demo on a free loopback port, on a fresh PGlite, and one Chromium for the whole file. */
export interface BrowserDemo {
  t: TestDatabase;
  app: FastifyInstance;
  base: string;
  browser: Browser;
  /** A new context (its own tabs, storage) with axe-core injected into every page. */
  context(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A JSON read of the API, through inject. */
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the API's JSON field by field
  api(path: string): Promise<any>;
  close(): Promise<void>;
}

export async function startDemo(options: Omit<BuildOptions, 'db'> = {}): Promise<BrowserDemo> {
  if (!existsSync(WEB_ROOT))
    throw new Error('The page is not built: run `npm run build -w @section-sync/demo`');
  mkdirSync(RESULTS, { recursive: true });
  const t = await backends[0]!.open();
  const app = await build({ ...options, db: t.db });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  return {
    t,
    app,
    base,
    browser,
    async context(contextOptions = { viewport: { width: 1280, height: 900 } }) {
      const context = await browser.newContext(contextOptions);
      await context.addInitScript({ path: AXE });
      context.on('page', (page) =>
        page.on('pageerror', (error) => console.error('page error:', error.message)),
      );
      return context;
    },
    async api(path) {
      return (await app.inject({ url: `/api/workflow${path}` })).json();
    },
    async close() {
      await browser.close();
      await app.close();
      await t.close();
    },
  };
}

export async function headings(page: Page): Promise<string[]> {
  return page.locator('[data-testid=section-heading]').allTextContents();
}

/** Loads the page afresh on one post and waits until it is live. */
export async function openPost(page: Page, base: string, postId: number): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${base}/#post=${postId}`);
  await page.waitForSelector(`.eyebrow >> text=Post ${postId} ·`);
  await page.waitForSelector('[data-testid=section]');
  await page.waitForSelector('#live[data-state=live]');
}

export async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: `${RESULTS}${name}.png`, fullPage });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core (injected by the context) on the page as it is now: no serious or critical
 * violation. `state` names the page state in the failure message.
 */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  // Judge the settled page: a button caught mid-transition (its background fading in under a
  // white label) is not what anyone reads.
  await page.evaluate(async () => {
    const doc = (
      globalThis as unknown as { document: { getAnimations(): { finished: Promise<unknown> }[] } }
    ).document;
    await Promise.all(doc.getAnimations().map((a) => a.finished.catch(() => undefined)));
  });
  const violations = await page.evaluate(async () => {
    type Axe = { run: (...a: unknown[]) => Promise<{ violations: AxeViolation[] }> };
    const page = globalThis as unknown as { axe: Axe; document: unknown };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations;
  });
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  expect(serious, `axe-core on "${state}"`).toEqual([]);
}

/** Requests the page sent, for counting writes. */
export function recordRequests(page: Page): { method: string; url: string; ifMatch?: string }[] {
  const seen: { method: string; url: string; ifMatch?: string }[] = [];
  page.on('request', (request) => {
    if (!request.url().includes('/api/')) return;
    const ifMatch = request.headers()['if-match'];
    seen.push({
      method: request.method(),
      url: new URL(request.url()).pathname,
      ...(ifMatch === undefined ? {} : { ifMatch }),
    });
  });
  return seen;
}

export const writesOf = <T extends { method: string }>(seen: T[]): T[] =>
  seen.filter((r) => r.method !== 'GET');

/** An attribute of the focused element (or its text with `attribute` 'text'). */
export async function focused(page: Page, attribute: string): Promise<string | null> {
  return page.evaluate(
    `(() => { const el = document.activeElement; if (!el) return null; return ${JSON.stringify(attribute)} === 'text' ? el.textContent : el.getAttribute(${JSON.stringify(attribute)}); })()`,
  );
}
