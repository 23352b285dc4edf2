import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/app.js';
import {
  type BrowserDemo,
  expectAccessible,
  haveChromium,
  headings,
  openPost,
  RESULTS,
  shot,
  startDemo,
} from './helpers/browser.js';

describe.skipIf(!haveChromium)('the web page in Chromium', () => {
  let demo: BrowserDemo;
  let base: string;
  let page: Page;
  const api = (path: string) => demo.api(path);

  beforeAll(async () => {
    demo = await startDemo();
    base = demo.base;
    page = await (await demo.context({ viewport: { width: 1440, height: 960 } })).newPage();
  }, 120_000);

  afterAll(async () => {
    await demo?.close();
  });

  it('editing the master updates the accordion, after a dry-run preview', async () => {
    await openPost(page, base, 5);
    expect(await page.textContent('[data-testid=format]')).toBe('numbered list');
    const before = await headings(page);
    expect(before).toHaveLength(6);

    const lines = (await page.inputValue('#master-text')).split('\n');
    const edited = [
      ...lines.slice(0, 4),
      '5. Where to eat after a long day',
      lines[4]!.replace(/^5\./, '6.'),
      lines[5]!.replace(/^6\./, '7.'),
    ].join('\n');
    await page.fill('#master-text', edited);
    await page.click('text=Preview changes');
    await page.waitForSelector('#preview:not([hidden])');
    expect(await page.locator('.preview-row[data-kind=created]').allTextContents()).toEqual([
      expect.stringContaining('Where to eat after a long day'),
    ]);
    expect(await page.locator('.preview-row[data-kind=moved]').count()).toBe(2);
    await shot(page, 'master-preview');
    await expectAccessible(page, 'master preview');
    // A dry run changes nothing.
    expect((await api('/posts/5/sections')).sections).toHaveLength(6);

    await page.click('#save-master');
    await expect
      .poll(() => headings(page))
      .toEqual([...before.slice(0, 4), 'Where to eat after a long day', ...before.slice(4)]);
    expect((await api('/posts/5/sync-status')).status).toBe('OK');
    await shot(page, 'master-saved');
    await expectAccessible(page, 'master saved');
  });

  it('dragging a section reorders the rows and the master, and the section keeps its description', async () => {
    await openPost(page, base, 22);
    const before = (await api('/posts/22/sections')).sections;
    const intro = before[0];
    expect(intro.heading).toBe('Introduction');

    const source = page.locator('[data-testid=section]').nth(0).locator('.acc-head');
    const target = page.locator('[data-testid=section]').nth(2);
    const box = (await target.boundingBox())!;
    await source.dragTo(target, { targetPosition: { x: box.width / 2, y: box.height - 4 } });

    await expect
      .poll(() => headings(page))
      .toEqual([
        before[1].heading,
        before[2].heading,
        'Introduction',
        before[3].heading,
        before[4].heading,
      ]);
    const after = (await api('/posts/22/sections')).sections;
    const moved = after.find((s: { id: string }) => s.id === intro.id);
    expect(moved).toMatchObject({
      order: 3,
      heading: 'Introduction',
      description: intro.description,
    });
    // The master follows, with the same id and description.
    await expect
      .poll(async () => JSON.parse(await page.inputValue('#master-text'))[2])
      // The master writes ids as JSON numbers; the API as decimal strings.
      .toMatchObject({
        id: Number(intro.id),
        heading: 'Introduction',
        description: intro.description,
      });
    await shot(page, 'dragged');
    await expectAccessible(page, 'after drag and drop');
  });

  it('moves a section with the keyboard (move up / move down buttons)', async () => {
    await openPost(page, base, 2);
    const before = await headings(page);
    await page.focus(`[aria-label="Move “${before[0]}” down"]`);
    await page.keyboard.press('Enter');
    await expect.poll(() => headings(page)).toEqual([before[1], before[0], ...before.slice(2)]);
    // Focus stays on the moved section, so pressing again keeps moving it.
    await page.keyboard.press('Enter');
    await expect
      .poll(() => headings(page))
      .toEqual([before[1], before[2], before[0], ...before.slice(3)]);
  });

  it('a second browser sees changes live: from another page and from plain SQL', async () => {
    const other = await demo.context();
    const second = await other.newPage();
    try {
      await openPost(page, base, 14);
      await openPost(second, base, 14);

      const first = page.locator('[data-testid=section]').nth(0);
      await first.locator('.acc-toggle').click();
      await first.locator('input[name=heading]').fill('A good grinder beats a fancy machine');
      await first.locator('text=Save section').click();
      await expect
        .poll(() => headings(second), { timeout: 10_000 })
        .toContain('A good grinder beats a fancy machine');

      await demo.t.db.query(
        `UPDATE post_section SET section_heading = 'Edited in psql' WHERE post_id = 14 AND section_order = 4`,
      );
      await expect.poll(() => headings(second), { timeout: 10_000 }).toContain('Edited in psql');
      await expect.poll(() => headings(page), { timeout: 10_000 }).toContain('Edited in psql');
      await second.waitForSelector('.toast >> text=Updated live');
      await shot(second, 'live-second-browser');
      await expectAccessible(second, 'live update toast');
    } finally {
      await other.close();
    }
  });

  it('a bad master shows its line and column in plain words and changes nothing', async () => {
    await openPost(page, base, 3);
    const masterBefore = (await api('/posts/3/section-headings')).sectionHeadings;
    const sectionsBefore = await headings(page);

    await page.fill('#master-text', '[\n  {"heading": "Indexes"},\n  {"heading": }\n]');
    expect(await page.textContent('[data-testid=format]')).toBe('invalid');
    await page.click('#save-master');
    const message = page.locator('#master-message');
    await message.waitFor({ state: 'visible' });
    await expect
      .poll(() => message.textContent())
      .toMatch(/Line 3, column 15: invalid JSON: expected a value/);
    await shot(page, 'bad-master');
    await expectAccessible(page, 'bad master error');

    expect(await headings(page)).toEqual(sectionsBefore);
    expect((await api('/posts/3/section-headings')).sectionHeadings).toBe(masterBefore);
    expect(
      (await api('/posts/3/sections')).sections.map((s: { heading: string }) => s.heading),
    ).toEqual(sectionsBefore);
  });

  it('rollback restores a deleted section, with its id and description', async () => {
    await openPost(page, base, 4);
    const before = (await api('/posts/4/sections')).sections;
    const victim = before[1];

    const item = page.locator(`[data-testid=section][data-id="${victim.id}"]`);
    await item.locator('.acc-toggle').click();
    await item.locator(`[aria-label="Delete “${victim.heading}”"]`).click();
    // Nothing is deleted before the user says yes.
    await expectAccessible(page, 'delete confirmation');
    expect((await api('/posts/4/sections')).sections).toHaveLength(before.length);
    await item.locator('button', { hasText: 'Yes, delete' }).click();
    await expect.poll(() => headings(page)).not.toContain(victim.heading);

    const entry = page.locator('[data-testid=log-entry]').first();
    await expect.poll(() => entry.textContent()).toContain('1 deleted');
    await entry.locator('button', { hasText: 'Roll back' }).click();
    await expectAccessible(page, 'rollback confirmation');
    expect((await api('/posts/4/sections')).sections).toHaveLength(before.length - 1);
    await entry.locator('[data-testid=confirm-rollback]').click();

    await expect
      .poll(() => headings(page))
      .toEqual(before.map((s: { heading: string }) => s.heading));
    const restored = (await api('/posts/4/sections')).sections[1];
    expect(restored).toMatchObject({
      id: victim.id,
      heading: victim.heading,
      description: victim.description,
    });
    await shot(page, 'rolled-back');
    await expectAccessible(page, 'rolled back');
  });

  it('asks for the token when the server needs one, and works once given it', async () => {
    const guarded = await build({ db: demo.t.db, token: 'demo-token' });
    const guardedBase = await guarded.listen({ host: '127.0.0.1', port: 0 });
    const context = await demo.context();
    try {
      const asking = await context.newPage();
      await asking.goto(`${guardedBase}/#post=7`);
      await asking.waitForSelector('text=This server needs an API token');
      await shot(asking, 'token-dialog');
      await expectAccessible(asking, 'token dialog');
      await asking.fill('input[name=token]', 'demo-token');
      await asking.click('text=Continue');
      await asking.waitForSelector('[data-testid=section]');
      await asking.waitForSelector('#live[data-state=live]');

      // A link with the token in the hash works too, and the token leaves the address bar.
      const linked = await (await demo.context()).newPage();
      await linked.goto(`${guardedBase}/#token=demo-token&post=9`);
      await linked.waitForSelector('.eyebrow >> text=Post 9 ·');
      expect(linked.url()).not.toContain('demo-token');
      await linked.context().close();
    } finally {
      await context.close();
      await guarded.close();
    }
  });

  it('takes the overview screenshot (post 22, one section open, a preview showing)', async () => {
    await openPost(page, base, 22);
    await page.locator('[data-testid=section]').nth(1).locator('.acc-toggle').click();
    const master = await page.inputValue('#master-text');
    const items = JSON.parse(master);
    items.splice(4, 0, { heading: 'Measuring what the workflow saves', status: 'draft' });
    await page.fill('#master-text', JSON.stringify(items, null, 2));
    await page.click('text=Preview changes');
    await page.waitForSelector('#preview:not([hidden])');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: `${RESULTS}overview.png` });
    await expectAccessible(page, 'overview: section open, preview showing');
  });
});
