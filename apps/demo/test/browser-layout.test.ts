import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserDemo,
  expectAccessible,
  haveChromium,
  headings,
  openPost,
  RESULTS,
  startDemo,
} from './helpers/browser.js';

// `UPDATE_SCREENSHOTS=1 npm test -w @section-sync/demo` refreshes the ones committed in docs/.
const DOCS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const updateDocs = process.env.UPDATE_SCREENSHOTS === '1';

const SIZES = [
  { name: 'phone', width: 390, height: 844, touch: true },
  { name: 'tablet', width: 768, height: 1024, touch: true },
  { name: 'laptop', width: 1280, height: 800, touch: false },
] as const;

interface LayoutReport {
  scrollWidth: number;
  innerWidth: number;
  /** Visible elements that reach past the right edge of the viewport. */
  overflowing: string[];
  /** The smallest font size of any visible text, and where. */
  smallestFont: { size: number; where: string };
  /** Visible buttons smaller than `minTarget` in either direction. */
  smallTargets: string[];
  inputFont: number;
  coarse: boolean;
}

// Runs in the page (as a string, the test code has no DOM types).
const MEASURE = (screenWidth: number) => `(() => {
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && !el.closest('[hidden]') &&
      !el.closest('.visually-hidden') && !el.closest('.skip-link');
  };
  const all = [...document.querySelectorAll('body *')].filter(visible);
  const overflowing = all.filter((el) => el.getBoundingClientRect().right > ${screenWidth} + 1).map(describe);
  let smallestFont = { size: Infinity, where: '' };
  for (const el of all) {
    const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!hasText) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < smallestFont.size) smallestFont = { size, where: describe(el) };
  }
  const smallTargets = all
    .filter((el) => el.matches('button, select, input, textarea, a.toplink'))
    .filter((el) => { const b = el.getBoundingClientRect(); return b.height < 40 || b.width < 40; })
    .map((el) => describe(el) + ' ' + Math.round(el.getBoundingClientRect().width) + 'x' + Math.round(el.getBoundingClientRect().height));
  const input = document.querySelector('#master-text');
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth,
    overflowing,
    smallestFont,
    smallTargets,
    inputFont: input ? parseFloat(getComputedStyle(input).fontSize) : 0,
    coarse: matchMedia('(pointer: coarse)').matches,
  };
})()`;

async function measure(page: Page, screenWidth: number): Promise<LayoutReport> {
  return page.evaluate(MEASURE(screenWidth)) as Promise<LayoutReport>;
}

describe.skipIf(!haveChromium)('the page on a phone, a tablet and a laptop', () => {
  let demo: BrowserDemo;

  beforeAll(async () => {
    demo = await startDemo();
    if (updateDocs) mkdirSync(DOCS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await demo?.close();
  });

  describe.each(SIZES)('$name at $width x $height', (size) => {
    let page: Page;

    beforeAll(async () => {
      const context = await demo.context({
        viewport: { width: size.width, height: size.height },
        ...(size.touch ? { isMobile: true, hasTouch: true } : {}),
        deviceScaleFactor: 1,
      });
      page = await context.newPage();
    });

    async function expectFits(state: string): Promise<void> {
      const report = await measure(page, size.width);
      // On a phone the layout viewport grows to fit what is too wide: compare with the screen.
      expect(report.overflowing, `${state}: past the right edge`).toEqual([]);
      expect(report.innerWidth, `${state}: layout wider than the screen`).toBe(size.width);
      expect(report.scrollWidth, `${state}: page wider than the screen`).toBeLessThanOrEqual(
        size.width,
      );
      expect(report.overflowing, `${state}: past the right edge`).toEqual([]);
      // Readable type: nothing under 12 px, and 16 px in the inputs on touch screens (no zoom
      // on focus, text you can read on a phone).
      expect(
        report.smallestFont.size,
        `${state}: ${report.smallestFont.where}`,
      ).toBeGreaterThanOrEqual(12);
      if (size.touch) {
        expect(report.coarse).toBe(true);
        expect(report.inputFont).toBeGreaterThanOrEqual(16);
        expect(report.smallTargets, `${state}: touch targets under 40 px`).toEqual([]);
      }
      await expectAccessible(page, `${size.name}: ${state}`);
    }

    it('fits the screen with no horizontal scroll, in every state of the page', async () => {
      await openPost(page, demo.base, 22);
      await expectFits('post loaded');

      const first = page.locator('[data-testid=section]').nth(1);
      await first.locator('.acc-toggle').click();
      await expectFits('section open');

      const master = JSON.parse(await page.inputValue('#master-text'));
      master.splice(2, 0, { heading: 'A heading long enough to wrap on a narrow phone screen' });
      await page.fill('#master-text', JSON.stringify(master, null, 2));
      await page.click('text=Preview changes');
      await page.waitForSelector('#preview:not([hidden])');
      await expectFits('preview showing');

      // The stored master changes under the unsaved text: the conflict banner.
      await demo.t.db.query(
        `UPDATE post_section SET section_description = $1 WHERE post_id = 22 AND section_order = 5`,
        [
          `Changed in psql while the ${size.name} had unsaved text, a description long enough to wrap`,
        ],
      );
      await page.locator('#master-conflict').waitFor({ state: 'visible' });
      await expectFits('conflict banner');
      await page.locator('#master-conflict button', { hasText: 'Take theirs' }).click();

      await page.locator('[data-testid=log-entry]').first().locator('text=Roll back').click();
      await expectFits('rollback confirmation');
      await page.locator('[data-testid=log-entry]').first().locator('text=Cancel').click();

      // The docs picture: the post at the top, no toast over it.
      await page.evaluate(
        `document.querySelectorAll('.toast').forEach((t) => t.remove()); document.activeElement?.blur(); window.scrollTo(0, 0)`,
      );
      const file = `demo-${size.width}x${size.height}.png`;
      await page.screenshot({ path: `${RESULTS}${file}` });
      if (updateDocs) await page.screenshot({ path: `${DOCS}${file}` });
    });

    it('reorders and edits by touch (tap the move buttons, tap to open and save)', async () => {
      await openPost(page, demo.base, 2);
      const before = await headings(page);
      const tap = async (selector: string) => {
        const target = page.locator(selector);
        if (size.touch) await target.tap();
        else await target.click();
      };
      await tap(`[aria-label="Move “${before[0]}” down"]`);
      await expect.poll(() => headings(page)).toEqual([before[1], before[0], ...before.slice(2)]);
      await expect
        .poll(async () =>
          (await demo.api('/posts/2/sections')).sections.map((s: { heading: string }) => s.heading),
        )
        .toEqual([before[1], before[0], ...before.slice(2)]);

      const moved = page.locator('[data-testid=section]').nth(1);
      await (size.touch
        ? moved.locator('.acc-toggle').tap()
        : moved.locator('.acc-toggle').click());
      await moved.locator('input[name=heading]').fill(`${before[0]} (${size.name})`);
      await (size.touch
        ? moved.locator('text=Save section').tap()
        : moved.locator('text=Save section').click());
      await expect.poll(() => headings(page)).toContain(`${before[0]} (${size.name})`);
    });

    it.runIf(size.width < 900)(
      'opens the post list from the top bar and closes it on a choice',
      async () => {
        await openPost(page, demo.base, 2);
        expect(await page.locator('#post-nav').isVisible()).toBe(false);
        await page.locator('#posts-toggle').tap();
        await page.locator('#post-nav').waitFor({ state: 'visible' });
        expect(await page.getAttribute('#posts-toggle', 'aria-expanded')).toBe('true');
        await expectFits('post list open');
        if (updateDocs && size.width === 390)
          await page.screenshot({ path: `${DOCS}demo-390x844-posts.png` });
        await page.locator('[data-post-id="10"]').tap();
        await page.waitForSelector('.eyebrow >> text=Post 10 ·');
        expect(await page.locator('#post-nav').isVisible()).toBe(false);
      },
    );
  });
});
