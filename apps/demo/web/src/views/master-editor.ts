import { detectFormat, type Section, type WriteResult } from '@section-sync/core';
import { h, replaceChildren } from '../dom.js';
import { describeChanges, FORMAT_LABELS } from './labels.js';

export interface MasterEditorActions {
  onPreview: (text: string) => void;
  onSave: (text: string) => void;
  onLoadLatest: () => void;
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
 * `detectFormat`), a dry-run preview of what saving would change, and save. It keeps its own
 * text while the user types; `setMaster` replaces it only when the user has nothing unsaved.
 */
export class MasterEditor {
  readonly element: HTMLElement;
  readonly #textarea: HTMLTextAreaElement;
  readonly #format: HTMLElement;
  readonly #message: HTMLElement;
  readonly #stale: HTMLElement;
  readonly #preview: HTMLElement;
  readonly #save: HTMLButtonElement;
  readonly #previewButton: HTMLButtonElement;
  readonly #revert: HTMLButtonElement;
  #saved = '';

  constructor(actions: MasterEditorActions) {
    this.#textarea = h('textarea', {
      id: 'master-text',
      class: 'master-text',
      spellcheck: 'false',
      'aria-label': 'Master field text',
      'aria-describedby': 'master-message',
      oninput: () => this.#changed(),
      onkeydown: (event: KeyboardEvent) => {
        if ((event.ctrlKey || event.metaKey) && event.key === 's') {
          event.preventDefault();
          actions.onSave(this.text);
        }
      },
    });
    this.#format = h('span', { class: 'format-pill', 'data-testid': 'format' });
    this.#message = h('div', { id: 'master-message', class: 'master-message', role: 'alert' });
    this.#stale = h(
      'div',
      { class: 'notice', hidden: true },
      'This post changed elsewhere while you were editing. ',
      h(
        'button',
        { class: 'link-button', onclick: () => actions.onLoadLatest() },
        'Load the latest version',
      ),
      ' (your unsaved text is replaced).',
    );
    this.#preview = h('div', {
      id: 'preview',
      class: 'preview',
      hidden: true,
      'aria-live': 'polite',
    });
    this.#previewButton = h(
      'button',
      { class: 'button', onclick: () => actions.onPreview(this.text) },
      'Preview changes',
    );
    this.#save = h(
      'button',
      { class: 'button primary', id: 'save-master', onclick: () => actions.onSave(this.text) },
      'Save master',
    );
    this.#revert = h(
      'button',
      {
        class: 'button ghost',
        onclick: () => {
          this.#textarea.value = this.#saved;
          this.#changed();
        },
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
      this.#stale,
      this.#textarea,
      this.#message,
      h('div', { class: 'actions' }, this.#previewButton, this.#save, this.#revert),
      this.#preview,
    );
    this.#changed();
  }

  get text(): string {
    return this.#textarea.value;
  }

  get dirty(): boolean {
    return this.#textarea.value !== this.#saved;
  }

  /** The master as stored. Keeps the user's unsaved text unless `force`. */
  setMaster(master: string | null, force = false): void {
    const wasDirty = this.dirty;
    this.#saved = master ?? '';
    if (force || !wasDirty) {
      this.#textarea.value = this.#saved;
      this.#stale.hidden = true;
    } else if (this.#textarea.value !== this.#saved) {
      this.#stale.hidden = false;
    }
    this.#changed();
  }

  setBusy(busy: boolean): void {
    for (const button of [this.#save, this.#previewButton, this.#revert]) button.disabled = busy;
  }

  /** Shows a format error and selects the line it names, so the eye lands on it. */
  showError(message: string, line?: number): void {
    this.#message.className = 'master-message error';
    replaceChildren(this.#message, h('strong', null, 'Not saved. '), message);
    this.clearPreview();
    if (line !== undefined) this.#selectLine(line);
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

  #changed(): void {
    const format = detectFormat(this.#textarea.value);
    this.#format.textContent = FORMAT_LABELS[format] ?? format;
    this.#format.dataset.format = format;
    this.#textarea.classList.toggle('dirty', this.dirty);
    this.#save.textContent = this.dirty ? 'Save master' : 'Saved';
    this.#save.classList.toggle('primary', this.dirty);
    this.#revert.hidden = !this.dirty;
    if (!this.dirty) this.#stale.hidden = true;
    this.clearPreview();
  }

  #selectLine(line: number): void {
    const lines = this.#textarea.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    const end = start + (lines[line - 1]?.length ?? 0);
    this.#textarea.focus();
    this.#textarea.setSelectionRange(start, end);
  }
}
