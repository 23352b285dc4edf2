import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserDemo,
  expectAccessible,
  focused,
  haveChromium,
  headings,
  openPost,
  recordRequests,
  shot,
  startDemo,
  writesOf,
} from './helpers/browser.js';

interface WireSection {
  id: number;
  order: number;
  heading: string;
  description: string;
  status: string;
}

const item = (page: Page, id: number) => page.locator(`[data-testid=section][data-id="${id}"]`);

async function openSection(page: Page, id: number): Promise<void> {
  const toggle = item(page, id).locator('.acc-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await item(page, id).locator('input[name=heading]').waitFor();
}

/** The last toast's text (the change report of the last write). */
async function lastToast(page: Page): Promise<string> {
  return (await page.locator('.toast').last().textContent()) ?? '';
}

describe.skipIf(!haveChromium)('editing in the page: no silent overwrites, honest feedback', () => {
  let demo: BrowserDemo;
  let context: BrowserContext;
  let page: Page;
  const sections = async (postId: number): Promise<WireSection[]> =>
    (await demo.api(`/posts/${postId}/sections`)).sections;

  beforeAll(async () => {
    demo = await startDemo();
    context = await demo.context();
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await demo?.close();
  });

  it('sends If-Match with every write: save, add, reorder, sync, delete, rollback, master', async () => {
    await openPost(page, demo.base, 1);
    const seen = recordRequests(page);
    const [first] = await sections(1);

    await openSection(page, first!.id);
    await item(page, first!.id).locator('input[name=heading]').fill('Two sources, one truth');
    await item(page, first!.id).locator('button', { hasText: 'Save section' }).click();
    await page.waitForSelector('.toast >> text=Saved “Two sources, one truth”');

    await page.fill('#new-section-heading', 'Appendix: the trigger in full');
    await page.click('text=Add section');
    await expect.poll(() => headings(page)).toContain('Appendix: the trigger in full');

    await page.click(`[aria-label="Move “Two sources, one truth” down"]`);
    await expect.poll(async () => (await sections(1))[1]?.heading).toBe('Two sources, one truth');

    await page.click('[data-direction=both]');
    await page.waitForSelector('.toast >> text=Synced both ways');

    const added = (await sections(1)).find((s) => s.heading.startsWith('Appendix'))!;
    await openSection(page, added.id);
    await item(page, added.id).locator('button', { hasText: 'Delete' }).click();
    await item(page, added.id).locator('button', { hasText: 'Yes, delete' }).click();
    await expect.poll(() => headings(page)).not.toContain('Appendix: the trigger in full');

    const entry = page.locator('[data-testid=log-entry]').first();
    await expect.poll(() => entry.textContent()).toContain('1 deleted');
    await entry.locator('button', { hasText: 'Roll back' }).click();
    await entry.locator('[data-testid=confirm-rollback]').click();
    await expect.poll(() => headings(page)).toContain('Appendix: the trigger in full');

    // The master shows the rolled-back section once the post is read again: edit that text,
    // not the one from before the rollback.
    await expect
      .poll(() => page.inputValue('#master-text'))
      .toContain('Appendix: the trigger in full');
    const master = await page.inputValue('#master-text');
    await page.fill('#master-text', master.replace('Appendix: the trigger in full', 'Appendix'));
    await page.click('#save-master');
    await expect.poll(() => headings(page)).toContain('Appendix');

    const writes = writesOf(seen);
    expect(writes.map((w) => `${w.method} ${w.url.replace(/\d+/g, 'N')}`)).toEqual([
      'PATCH /api/workflow/posts/N/sections/N',
      'POST /api/workflow/posts/N/sections',
      'PUT /api/workflow/posts/N/sections/order',
      'POST /api/workflow/posts/N/sync-sections',
      'DELETE /api/workflow/posts/N/sections/N',
      'POST /api/workflow/posts/N/sync-log/N/rollback',
      'PUT /api/workflow/posts/N/section-headings',
    ]);
    for (const write of writes) expect(write.ifMatch, write.url).toMatch(/^"\d+"$/);
  });

  it('a master edited in two tabs: the conflict banner shows theirs and yours, nothing is overwritten', async () => {
    const other = await demo.context();
    try {
      const second = await other.newPage();
      await openPost(page, demo.base, 6);
      await openPost(second, demo.base, 6);
      const mine = `${await page.inputValue('#master-text')}\n6. Mine: what I would do again`;
      await page.fill('#master-text', mine);

      // The other tab renames a section: the master changes under my unsaved text.
      const [first] = await sections(6);
      await openSection(second, first!.id);
      await item(second, first!.id)
        .locator('input[name=heading]')
        .fill('Theirs: strict mode first');
      await item(second, first!.id).locator('button', { hasText: 'Save section' }).click();

      const banner = page.locator('#master-conflict');
      await banner.waitFor({ state: 'visible' });
      expect(await banner.locator('[data-testid=theirs]').textContent()).toContain(
        'Theirs: strict mode first',
      );
      expect(await banner.locator('[data-testid=yours]').textContent()).toBe(mine);
      expect(await page.inputValue('#master-text')).toBe(mine);
      await shot(page, 'master-conflict');
      await expectAccessible(page, 'master conflict banner');

      // Save is refused until I choose, and sends nothing.
      const seen = recordRequests(page);
      await page.click('#save-master');
      await expect
        .poll(() => page.textContent('#master-message'))
        .toContain('keep yours or take theirs');
      expect(writesOf(seen)).toEqual([]);
      expect(JSON.stringify(await sections(6))).toContain('Theirs: strict mode first');

      // Keep mine: the next save replaces theirs, on purpose.
      await banner.locator('button', { hasText: 'Keep mine' }).click();
      await expect.poll(() => banner.isHidden()).toBe(true);
      await page.click('#save-master');
      await expect
        .poll(async () => (await sections(6)).map((s) => s.heading))
        .toContain('Mine: what I would do again');
      expect((await sections(6)).map((s) => s.heading)).not.toContain('Theirs: strict mode first');

      // Take theirs: my text goes, the stored master comes.
      await page.fill('#master-text', `${await page.inputValue('#master-text')}\n7. Dropped`);
      await demo.t.db.query(
        `UPDATE post_section SET section_heading = 'From psql' WHERE post_id = 6 AND section_order = 1`,
      );
      await banner.waitFor({ state: 'visible' });
      await banner.locator('button', { hasText: 'Take theirs' }).click();
      await expect.poll(() => page.inputValue('#master-text')).toContain('From psql');
      expect(await page.inputValue('#master-text')).not.toContain('Dropped');
    } finally {
      await other.close();
    }
  });

  it('a stale tab that missed the live update gets a 409 and the banner, not a silent overwrite', async () => {
    const deaf = await demo.context();
    try {
      // This tab hears no live events: it cannot know the post moved on.
      await deaf.route('**/events', (route) => route.abort());
      const stale = await deaf.newPage();
      await stale.goto(`${demo.base}/#post=8`);
      await stale.waitForSelector('[data-testid=section]');
      const mine = `${await stale.inputValue('#master-text')}\n- Mine from the stale tab`;
      await stale.fill('#master-text', mine);

      await demo.t.db.query(
        `UPDATE post_section SET section_heading = 'Changed meanwhile' WHERE post_id = 8 AND section_order = 2`,
      );
      const seen = recordRequests(stale);
      await stale.click('#save-master');
      await stale.locator('#master-conflict').waitFor({ state: 'visible' });
      expect(writesOf(seen).map((w) => w.ifMatch)).toHaveLength(1);
      expect(await stale.locator('#master-conflict [data-testid=theirs]').textContent()).toContain(
        'Changed meanwhile',
      );
      const stored = (await sections(8)).map((s) => s.heading);
      expect(stored).toContain('Changed meanwhile');
      expect(stored).not.toContain('Mine from the stale tab');
      expect(await stale.inputValue('#master-text')).toBe(mine);
    } finally {
      await deaf.close();
    }
  });

  it('a section edited in two tabs: theirs and yours per field, other fields follow live', async () => {
    const other = await demo.context();
    try {
      const second = await other.newPage();
      await openPost(page, demo.base, 10);
      await openPost(second, demo.base, 10);
      const [target] = await sections(10);
      const id = target!.id;
      await openSection(page, id);
      const heading = item(page, id).locator('input[name=heading]');
      await heading.fill('My heading');

      await openSection(second, id);
      await item(second, id).locator('input[name=heading]').fill('Their heading');
      await item(second, id).locator('textarea[name=description]').fill('Their description');
      await item(second, id).locator('button', { hasText: 'Save section' }).click();

      const conflict = item(page, id).locator('.conflict-field[data-field=heading]');
      await conflict.waitFor({ state: 'visible' });
      expect(await conflict.locator('[data-testid=theirs]').textContent()).toBe('Their heading');
      expect(await conflict.locator('[data-testid=yours]').textContent()).toBe('My heading');
      expect(await heading.inputValue()).toBe('My heading');
      // The description I did not touch follows theirs; it is not a conflict.
      expect(await item(page, id).locator('textarea[name=description]').inputValue()).toBe(
        'Their description',
      );
      expect(await item(page, id).locator('.conflict-field').count()).toBe(1);
      await expectAccessible(page, 'section conflict');

      const seen = recordRequests(page);
      await item(page, id).locator('button', { hasText: 'Save section' }).click();
      await expect
        .poll(() => item(page, id).locator('.field-error[role=alert]').textContent())
        .toContain('keep your version or take theirs');
      expect(writesOf(seen)).toEqual([]);

      await conflict.locator('button', { hasText: 'Keep mine' }).click();
      await item(page, id).locator('button', { hasText: 'Save section' }).click();
      await expect
        .poll(async () => (await sections(10))[0])
        .toMatchObject({
          heading: 'My heading',
          description: 'Their description',
        });
      expect(writesOf(seen)).toHaveLength(1);
      expect(writesOf(seen)[0]!.ifMatch).toMatch(/^"\d+"$/);
    } finally {
      await other.close();
    }
  });

  it('a live update never replaces the field being typed in, nor moves its caret', async () => {
    await openPost(page, demo.base, 11);
    const [a, b] = await sections(11);
    await openSection(page, a!.id);
    const description = item(page, a!.id).locator('textarea[name=description]');
    await description.fill('');
    await description.focus();

    // Focused but not typed in yet: the server's new value waits until I leave the field.
    await demo.t.db.query(
      `UPDATE post_section SET section_description = 'Written in psql' WHERE id = $1`,
      [a!.id],
    );
    await expect
      .poll(() => item(page, a!.id).locator('.acc-desc').textContent())
      .toBe('Written in psql');
    expect(await description.inputValue()).toBe('');
    expect(await focused(page, 'name')).toBe('description');

    // Typing while another section changes live: focus, caret and text stay mine.
    await page.keyboard.type('Half a sen');
    await demo.t.db.query(`UPDATE post_section SET section_heading = 'Live rename' WHERE id = $1`, [
      b!.id,
    ]);
    await expect.poll(() => headings(page)).toContain('Live rename');
    await page.keyboard.type('tence of mine');
    expect(await description.inputValue()).toBe('Half a sentence of mine');
    expect(await item(page, a!.id).locator('.conflict-field').count()).toBe(1);
  });

  it('ten rapid keyboard moves are ten moves, applied in order', async () => {
    const master = Array.from({ length: 12 }, (_, i) => `${i + 1}. Step ${i + 1}`).join('\n');
    await demo.t.db.query(
      'INSERT INTO post_development (post_id, section_headings) VALUES (901, $1)',
      [master],
    );
    await openPost(page, demo.base, 901);
    const before = (await sections(901)).map((s) => s.heading);
    const seen = recordRequests(page);
    await page.focus('[aria-label="Move “Step 1” down"]');
    for (let i = 0; i < 10; i++) await page.keyboard.press('Enter');

    const expected = [...before.slice(1, 11), 'Step 1', before[11]];
    await expect.poll(() => headings(page)).toEqual(expected);
    await expect.poll(async () => (await sections(901)).map((s) => s.heading)).toEqual(expected);
    // Focus stayed with the moved section all along.
    expect(await focused(page, 'aria-label')).toBe('Move “Step 1” down');
    const reorders = writesOf(seen).filter((w) => w.url.endsWith('/sections/order'));
    expect(reorders.length).toBeGreaterThanOrEqual(1);
    expect(reorders.length).toBeLessThanOrEqual(10);
    // And nothing is left behind: the page settles on the stored order.
    await page.waitForTimeout(300);
    expect(await headings(page)).toEqual(expected);
  });

  it('buttons show busy and ignore repeats while their request is in flight', async () => {
    await openPost(page, demo.base, 12);
    // Hold every write for a moment so the second press lands while the first is on its way.
    await page.route('**/api/workflow/posts/**', async (route) => {
      if (route.request().method() !== 'GET') await new Promise((r) => setTimeout(r, 1000));
      await route.continue();
    });
    try {
      const seen = recordRequests(page);
      const both = page.locator('[data-direction=both]');
      await both.click();
      // force: Playwright itself would wait for a button that says it is busy.
      await both.click({ force: true });
      await both.click({ force: true });
      expect(await both.getAttribute('aria-busy')).toBe('true');
      await expectAccessible(page, 'sync in flight');
      await expect.poll(() => both.getAttribute('aria-busy')).toBe(null);
      expect(writesOf(seen).filter((w) => w.url.endsWith('/sync-sections'))).toHaveLength(1);

      const count = (await sections(12)).length;
      await page.fill('#new-section-heading', 'Added once');
      await page.locator('text=Add section').dblclick({ force: true });
      await page.locator('text=Add section').click({ force: true });
      await expect.poll(() => headings(page)).toContain('Added once');
      await page.waitForTimeout(600);
      expect((await sections(12)).length).toBe(count + 1);

      const [first] = await sections(12);
      await openSection(page, first!.id);
      await item(page, first!.id).locator('input[name=heading]').fill('Saved once');
      const save = item(page, first!.id).locator('button', { hasText: 'Save section' });
      await save.dblclick({ force: true });
      await expect.poll(() => headings(page)).toContain('Saved once');
      expect(writesOf(seen).filter((w) => w.method === 'PATCH')).toHaveLength(1);
    } finally {
      await page.unroute('**/api/workflow/posts/**');
    }
  });

  it('delete and rollback wait for a yes; "Keep it" and "Cancel" change nothing', async () => {
    await openPost(page, demo.base, 13);
    const before = await sections(13);
    const victim = before[0]!;
    const seen = recordRequests(page);
    await openSection(page, victim.id);
    await item(page, victim.id).locator('button', { hasText: 'Delete' }).click();
    const yes = item(page, victim.id).locator('button', { hasText: 'Yes, delete' });
    await yes.waitFor();
    expect(await focused(page, 'text')).toBe('Yes, delete');
    await item(page, victim.id).locator('button', { hasText: 'Keep it' }).click();
    expect(await yes.count()).toBe(0);

    const entry = page.locator('[data-testid=log-entry]').first();
    await entry.locator('button', { hasText: 'Roll back' }).click();
    await entry.locator('button', { hasText: 'Cancel' }).click();
    expect(await entry.locator('[data-testid=confirm-rollback]').count()).toBe(0);
    expect(writesOf(seen)).toEqual([]);
    expect(await sections(13)).toEqual(before);
  });

  it('status is a select of draft / in progress / complete that shows and keeps any other stored value', async () => {
    await openPost(page, demo.base, 4);
    const demoFridays = (await sections(4)).find((s) => s.heading === 'Demo Fridays')!;
    expect(demoFridays.status).toBe('done');
    await openSection(page, demoFridays.id);
    const select = item(page, demoFridays.id).locator('select[name=status]');
    expect(
      await select
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value)),
    ).toEqual(['draft', 'in_progress', 'complete', 'done']);
    expect(await select.inputValue()).toBe('done');
    expect(await select.locator('option:checked').textContent()).toContain(
      'done (stored value, kept)',
    );
    await expectAccessible(page, 'status select with a stored value');

    // Editing the heading keeps the stored status.
    await item(page, demoFridays.id).locator('input[name=heading]').fill('Demo Fridays, always');
    await item(page, demoFridays.id).locator('button', { hasText: 'Save section' }).click();
    await expect
      .poll(async () => (await sections(4)).find((s) => s.id === demoFridays.id))
      .toMatchObject({ heading: 'Demo Fridays, always', status: 'done' });

    await openSection(page, demoFridays.id);
    await select.selectOption('in_progress');
    await item(page, demoFridays.id).locator('button', { hasText: 'Save section' }).click();
    await expect
      .poll(async () => (await sections(4)).find((s) => s.id === demoFridays.id)?.status)
      .toBe('in_progress');
  });

  it('an empty heading is refused inline, and nothing is sent', async () => {
    await openPost(page, demo.base, 9);
    const [first] = await sections(9);
    const seen = recordRequests(page);
    await openSection(page, first!.id);
    const heading = item(page, first!.id).locator('input[name=heading]');
    await heading.fill('   ');
    await item(page, first!.id).locator('button', { hasText: 'Save section' }).click();
    const error = item(page, first!.id).locator(`#section-${first!.id}-heading-error`);
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toContain('A heading cannot be empty');
    expect(await heading.getAttribute('aria-invalid')).toBe('true');
    expect(await heading.getAttribute('aria-describedby')).toBe(
      `section-${first!.id}-heading-error`,
    );
    await expectAccessible(page, 'empty heading refused');

    await page.fill('#new-section-heading', '');
    await page.click('text=Add section');
    await expect.poll(() => page.textContent('#new-section-error')).toContain('Type a heading');
    expect(writesOf(seen)).toEqual([]);
    expect((await sections(9))[0]!.heading).toBe(first!.heading);
  });

  it('the change report says what the server did: rows changed, master canonicalised, nothing', async () => {
    await openPost(page, demo.base, 7);
    await page.click('[data-direction=both]');
    await expect.poll(() => lastToast(page)).toContain('the master was canonicalised');
    expect((await demo.api('/posts/7/section-headings')).format).toBe('json-objects');

    await page.click('[data-direction=both]');
    await expect.poll(() => lastToast(page)).toContain('Nothing changed');

    const [first] = await sections(7);
    await page.click(`[aria-label="Move “${first!.heading}” down"]`);
    await expect.poll(() => lastToast(page)).toMatch(/Reordered\. 2 moved; the master follows/);
  });

  it('a 422 points at the section and the field, and at the master item', async () => {
    await openPost(page, demo.base, 2);
    const [first] = await sections(2);
    await openSection(page, first!.id);
    const description = item(page, first!.id).locator('textarea[name=description]');
    await description.fill('x'.repeat(10_001));
    await item(page, first!.id).locator('button', { hasText: 'Save section' }).click();
    const error = page.locator(`#section-${first!.id}-description-error`);
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toMatch(/description.*10001 characters, the limit is 10000/i);
    expect(await description.getAttribute('aria-invalid')).toBe('true');
    expect(await focused(page, 'name')).toBe('description');
    await expectAccessible(page, 'section 422 at its field');

    const text = '[\n  {"heading": "Starter"},\n  {"heading": "Bake", "status": 5}\n]';
    await page.fill('#master-text', text);
    await page.click('#save-master');
    await expect
      .poll(() => page.textContent('#master-message'))
      .toMatch(/Item 2.*"status" must be a string/);
    const selected = await page
      .locator('#master-text')
      .evaluate((area: { value: string; selectionStart: number; selectionEnd: number }) =>
        area.value.slice(area.selectionStart, area.selectionEnd),
      );
    expect(selected).toBe('{"heading": "Bake", "status": 5}');
  });

  it('works by keyboard alone: reach a section, edit and save it, delete it with the confirmation', async () => {
    await openPost(page, demo.base, 3);
    const before = await sections(3);
    const target = before[1]!;
    await page.focus('body');
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(
        `document.activeElement?.matches('[data-id="${target.id}"] .acc-toggle') === true`,
      );
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab'); // move up
    await page.keyboard.press('Tab'); // move down
    await page.keyboard.press('Tab'); // heading
    expect(await focused(page, 'name')).toBe('heading');
    await page.keyboard.press('End');
    await page.keyboard.type(' (by keyboard)');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await sections(3))[1]!.heading)
      .toBe(`${target.heading} (by keyboard)`);

    await openSection(page, target.id);
    await item(page, target.id).locator('button', { hasText: 'Delete' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter'); // focus went to "Yes, delete"
    await expect.poll(async () => (await sections(3)).length).toBe(before.length - 1);
    await expectAccessible(page, 'after keyboard edit and delete');
  });
});
