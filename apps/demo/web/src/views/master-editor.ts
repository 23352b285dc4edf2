import { detectFormat, type Section, type WriteResult } from '@section-sync/core';
import { h, replaceChildren } from '../dom.js';
import type { InFlight } from '../in-flight.js';
import { jsonItemRange } from '../json-item-range.js';
import { describeChanges, FORMAT_LABELS } from './labels.js';

export interface MasterEditorActions {
  onPreview: (text: string) => void;
  /** `version` is the post version the text was edited from: it goes out as `If-Match`. */
  onSave: (text: string, version: number) => void;
}

type PreviewKind = 'created' | 'updated' | 'moved' | 'unchanged' | 'deleted';

/** What a dry run would do to each section, for the preview list. */
export function classifyPreview(
  current: readonly Section[],
  result: readonly Section[],
): { section: Section; kind: PreviewKind; from?: number }[] {
  const byId = new Map(current.map((s) => [s.id, s]));
  const kept = new Set<string>();
  const rows: { section: Section; kind: PreviewKind; from?: number }[] = result.map((section) => {
    const before = byId.get(section.id);
    if (!before) return { section, kind: 'created' };
    kept.add(section.id);
    const content =
      before.heading !== section.heading ||
      before.description !== section.description ||
      before.status !== section.status;
    if (content) return { section, kind: 'updated', from: before.order };
    if (before.order !== section.order) return { section, kind: 'moved', from: before.order };
    return { section, kind: 'unchanged' };
  });
  for (const section of current) {
    if (!kept.has(section.id)) rows.push({ section, kind: 'deleted' });
  }
  return rows;
}

/**
 * The master field editor: the raw text, its detected format (live, with core's own
 * `detectFormat`), a dry-run preview of what saving would change, and save. The user's text is
 * never replaced by a live update: when the stored master changes under unsaved text, a
 * conflict banner shows theirs and yours and the user chooses; until then Save is refused.
 */
export class MasterEditor {
  readonly element: HTMLElement;
  readonly #textarea: HTMLTextAreaElement;
  readonly #format: HTMLElement;
  readonly #message: HTMLElement;
  readonly #conflict: HTMLElement;
  readonly #theirs: HTMLElement;
  readonly #yours: HTMLElement;
  readonly #preview: HTMLElement;
  readonly #save: HTMLButtonElement;
  readonly #revert: HTMLButtonElement;
  /** The stored text the user's edit started from, and its post version. */
  #base = '';
  #baseVersion = 0;
  /** The newest stored text and version the page has seen. */
  #latest = '';
  #latestVersion = 0;

  constructor(actions: MasterEditorActions, inFlight: InFlight) {
    this.#textarea = h('textarea', {
      id: 'master-text',
      class: 'master-text',
      spellcheck: 'false',
      'aria-label': 'Master field text',
      'aria-describedby': 'master-message',
      oninput: () => this.#changed(),
      onblur: () => {
        if (!this.dirty && this.#latest !== this.#base)
          this.#take(this.#latest, this.#latestVersion);
      },
      onkeydown: (event: KeyboardEvent) => {
        if ((event.ctrlKey || event.metaKey) && event.key === 's') {
          event.preventDefault();
          this.#requestSave(actions);
        }
      },
    });
    this.#format = h('span', { class: 'format-pill', 'data-testid': 'format' });
    this.#message = h('div', { id: 'master-message', class: 'master-message', role: 'alert' });
    // Focusable: a long master scrolls inside its box, and keyboard users must reach it.
    this.#theirs = h('pre', {
      class: 'conflict-text',
      'data-testid': 'theirs',
      tabindex: 0,
      'aria-label': 'Their master text',
    });
    this.#yours = h('pre', {
      class: 'conflict-text',
      'data-testid': 'yours',
      tabindex: 0,
      'aria-label': 'Your master text',
    });
    this.#conflict = h(
      'div',
      { class: 'conflict master-conflict', id: 'master-conflict', role: 'alert', hidden: true },
      h(
        'p',
        { class: 'conflict-title' },
        'The master changed elsewhere while you were editing. Nothing was overwritten: choose.',
      ),
      h(
        'div',
        { class: 'conflict-panes' },
        h('div', null, h('p', { class: 'conflict-name' }, 'Theirs (stored now)'), this.#theirs),
        h('div', null, h('p', { class: 'conflict-name' }, 'Yours (not saved)'), this.#yours),
      ),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'button',
            onclick: () => {
              // Keep the text; the next Save replaces theirs, on purpose.
              this.#base = this.#latest;
              this.#baseVersion = this.#latestVersion;
              this.#changed();
              this.#textarea.focus();
            },
          },
          'Keep mine',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'button',
            onclick: () => {
              this.#take(this.#latest, this.#latestVersion);
              this.#textarea.focus();
            },
          },
          'Take theirs',
        ),
      ),
    );
    this.#preview = h('div', {
      id: 'preview',
      class: 'preview',
      hidden: true,
      'aria-live': 'polite',
    });
    const previewButton = h(
      'button',
      {
        type: 'button',
        class: 'button',
        ...inFlight.attrs('preview-master'),
        onclick: () => actions.onPreview(this.text),
      },
      'Preview changes',
    );
    this.#save = h(
      'button',
      {
        type: 'button',
        class: 'button primary',
        id: 'save-master',
        ...inFlight.attrs('save-master'),
        onclick: () => this.#requestSave(actions),
      },
      'Save master',
    );
    this.#revert = h(
      'button',
      {
        type: 'button',
        class: 'button ghost',
        onclick: () => this.#take(this.#latest, this.#latestVersion),
      },
      'Revert',
    );
    this.element = h(
      'section',
      { class: 'card master-card', 'aria-labelledby': 'master-title' },
      h(
        'div',
        { class: 'card-head' },
        h(
          'div',
          null,
          h('h2', { id: 'master-title', class: 'card-title' }, 'Master outline'),
          h('p', { class: 'card-sub' }, h('code', null, 'post_development.section_headings')),
        ),
        h('div', { class: 'format' }, h('span', { class: 'format-label' }, 'Format'), this.#format),
      ),
      this.#conflict,
      this.#textarea,
      this.#message,
      h('div', { class: 'actions' }, previewButton, this.#save, this.#revert),
      this.#preview,
    );
    this.#changed();
  }

  get text(): string {
    return this.#textarea.value;
  }

  /** The user has text that is not what their edit started from. */
  get dirty(): boolean {
    return this.#textarea.value !== this.#base;
  }

  /** The stored master moved under the user's unsaved text. */
  get conflict(): boolean {
    return this.dirty && this.#latest !== this.#base && this.#textarea.value !== this.#latest;
  }

  /** The newest stored master the page has seen. */
  get stored(): string {
    return this.#latest;
  }

  /**
   * The master as stored, at `version`. Replaces the text only when the user has nothing
   * unsaved and is not in the field (or with `force`, after their own save).
   */
  setMaster(master: string | null, version: number, force = false): void {
    const stored = master ?? '';
    this.#latest = stored;
    this.#latestVersion = version;
    const typing = document.activeElement === this.#textarea;
    if (force || (!this.dirty && !typing)) {
      this.#take(stored, version);
      return;
    }
    if (this.#textarea.value === stored || this.#base === stored) {
      // The user's text is what is stored, or their edit started from it: still current.
      if (this.#textarea.value === stored) this.#base = stored;
      this.#baseVersion = version;
    }
    this.#changed(false);
  }

  /** Shows a format error and selects where it is (a line, or a JSON item), for the eye. */
  showError(message: string, place: { line?: number; index?: number } = {}): void {
    this.#message.className = 'master-message error';
    replaceChildren(this.#message, h('strong', null, 'Not saved. '), message);
    this.clearPreview();
    if (place.line !== undefined) this.#selectLine(place.line);
    else if (place.index !== undefined) {
      const range = jsonItemRange(this.#textarea.value, place.index);
      if (range) {
        this.#textarea.focus();
        this.#textarea.setSelectionRange(range.start, range.end);
      }
    }
  }

  clearMessage(): void {
    this.#message.className = 'master-message';
    replaceChildren(this.#message);
  }

  showPreview(current: readonly Section[], result: WriteResult): void {
    this.clearMessage();
    const rows = classifyPreview(current, result.sections);
    const nothing = rows.every((r) => r.kind === 'unchanged');
    replaceChildren(
      this.#preview,
      h(
        'div',
        { class: 'preview-head' },
        h('strong', null, 'Dry run: '),
        nothing
          ? 'saving changes no section.'
          : `saving would give ${describeChanges(result.changes)}.`,
        h('span', { class: 'preview-note' }, 'Nothing has been written yet.'),
      ),
      h(
        'ol',
        { class: 'preview-list' },
        ...rows.map(({ section, kind, from }) =>
          h(
            'li',
            { class: `preview-row preview-${kind}`, 'data-kind': kind },
            h('span', { class: 'preview-order' }, kind === 'deleted' ? '–' : section.order),
            h('span', { class: 'preview-heading' }, section.heading),
            kind === 'unchanged'
              ? null
              : h(
                  'span',
                  { class: `tag tag-${kind}` },
                  kind === 'moved' || (kind === 'updated' && from !== section.order)
                    ? `${kind} from ${from}`
                    : kind,
                ),
          ),
        ),
      ),
    );
    this.#preview.hidden = false;
  }

  clearPreview(): void {
    this.#preview.hidden = true;
    replaceChildren(this.#preview);
  }

  #requestSave(actions: MasterEditorActions): void {
    if (this.conflict) {
      this.#conflict.querySelector<HTMLButtonElement>('button')?.focus();
      this.showError(
        'The stored master changed while you were editing: keep yours or take theirs first.',
      );
      return;
    }
    actions.onSave(this.text, this.#baseVersion);
  }

  #take(text: string, version: number): void {
    this.#base = text;
    this.#baseVersion = version;
    this.#textarea.value = text;
    this.#changed();
  }

  #changed(textChanged = true): void {
    const format = detectFormat(this.#textarea.value);
    this.#format.textContent = FORMAT_LABELS[format] ?? format;
    this.#format.dataset.format = format;
    this.#textarea.classList.toggle('dirty', this.dirty);
    this.#save.textContent = this.dirty ? 'Save master' : 'Saved';
    this.#save.classList.toggle('primary', this.dirty);
    this.#revert.hidden = !this.dirty;
    const conflict = this.conflict;
    this.#conflict.hidden = !conflict;
    if (conflict) {
      this.#theirs.textContent = this.#latest || '(empty)';
      this.#yours.textContent = this.#textarea.value || '(empty)';
    }
    if (textChanged) this.clearPreview();
  }

  #selectLine(line: number): void {
    const lines = this.#textarea.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    const end = start + (lines[line - 1]?.length ?? 0);
    this.#textarea.focus();
    this.#textarea.setSelectionRange(start, end);
  }
}
