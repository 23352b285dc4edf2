import type { Section } from '@section-sync/core';
import { h, replaceChildren } from '../dom.js';
import type { InFlight } from '../in-flight.js';
import { SectionItem, type SectionItemHost, type SectionPatch } from './section-item.js';

export type { SectionPatch } from './section-item.js';

export interface SectionAccordionActions {
  onSave: (section: Section, patch: SectionPatch) => void;
  onDelete: (section: Section) => void;
  /** The new order of every section id (drag and drop, move up / down). */
  onReorder: (sectionIds: string[]) => void;
  onAdd: (heading: string) => void;
}

/** Moves `id` one place up (-1) or down (+1) in `ids`; the same list when it cannot move. */
export function moveId(ids: readonly string[], id: string, step: -1 | 1): string[] {
  const from = ids.indexOf(id);
  const to = from + step;
  if (from < 0 || to < 0 || to >= ids.length) return [...ids];
  const next = [...ids];
  [next[from], next[to]] = [next[to]!, next[from]!];
  return next;
}

/** Puts `id` before or after `target` in `ids`. */
export function dropId(
  ids: readonly string[],
  id: string,
  target: string,
  after: boolean,
): string[] {
  const rest = ids.filter((x) => x !== id);
  const at = rest.indexOf(target);
  if (at < 0) return [...ids];
  rest.splice(after ? at + 1 : at, 0, id);
  return rest;
}

/**
 * The green sections module: one accordion item per `post_section` row (heading, description,
 * status), expand to edit inline; reorder by drag and drop or with the move buttons (keyboard,
 * touch); add and delete. Items are kept across renders, so a live refresh never takes away
 * focus or a field being typed in.
 */
export class SectionAccordion {
  readonly element: HTMLElement;
  readonly #list: HTMLOListElement;
  readonly #actions: SectionAccordionActions;
  readonly #host: SectionItemHost;
  readonly #items = new Map<string, SectionItem>();
  readonly #addInput: HTMLInputElement;
  readonly #addError: HTMLElement;
  #order: string[] = [];
  #dragged: string | undefined;
  #focusAfterMove: { sectionId: string; button: 'up' | 'down' } | undefined;

  constructor(actions: SectionAccordionActions, inFlight: InFlight) {
    this.#actions = actions;
    this.#host = this.#makeHost(inFlight);
    this.#list = h('ol', { class: 'accordion', id: 'sections', 'aria-label': 'Sections' });
    this.#addInput = h('input', {
      name: 'new-heading',
      id: 'new-section-heading',
      class: 'input',
      placeholder: 'New section heading',
      'aria-required': 'true',
      maxlength: 1000,
      autocomplete: 'off',
    });
    this.#addError = h('p', { class: 'field-error', id: 'new-section-error', hidden: true });
    this.#addInput.addEventListener('input', () => this.#setAddError(undefined));
    const addForm = h(
      'form',
      {
        class: 'add-section',
        novalidate: true,
        onsubmit: (event: SubmitEvent) => {
          event.preventDefault();
          const heading = this.#addInput.value.trim();
          if (!heading) {
            this.#setAddError('Type a heading for the new section first.');
            return;
          }
          actions.onAdd(heading);
        },
      },
      h('label', { class: 'visually-hidden', for: 'new-section-heading' }, 'New section heading'),
      h(
        'div',
        { class: 'add-row' },
        this.#addInput,
        h(
          'button',
          { class: 'button', type: 'submit', ...inFlight.attrs('add-section') },
          'Add section',
        ),
      ),
      this.#addError,
    );
    this.element = h(
      'section',
      { class: 'card sections-card', 'aria-labelledby': 'sections-title' },
      h(
        'div',
        { class: 'card-head' },
        h(
          'div',
          null,
          h('h2', { id: 'sections-title', class: 'card-title' }, 'Sections'),
          h(
            'p',
            { class: 'card-sub' },
            h('code', null, 'post_section'),
            ' rows · drag, or use ↑ ↓ to reorder',
          ),
        ),
      ),
      this.#list,
      addForm,
    );
  }

  /** The ids in the order shown. */
  get sectionIds(): string[] {
    return [...this.#order];
  }

  /** The item of a section, for field errors after a refused write. */
  item(sectionId: string): SectionItem | undefined {
    return this.#items.get(sectionId);
  }

  /** After a section was added: clear the input for the next one. */
  added(): void {
    this.#addInput.value = '';
  }

  /** A refusal of the add form (a 422 of the new heading). */
  showAddError(message: string): void {
    this.#setAddError(message);
    this.#addInput.focus();
  }

  render(sections: Section[]): void {
    const ids = new Set(sections.map((s) => s.id));
    for (const [id, item] of this.#items) {
      if (!ids.has(id)) {
        item.element.remove();
        this.#items.delete(id);
      }
    }
    this.#order = sections.map((s) => s.id);
    if (sections.length === 0) {
      replaceChildren(
        this.#list,
        h(
          'li',
          { class: 'accordion-empty' },
          'No sections yet. Add one below or write the master.',
        ),
      );
      return;
    }
    this.#list.querySelector('.accordion-empty')?.remove();
    const active = document.activeElement as HTMLElement | null;
    const selection =
      active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement
        ? { start: active.selectionStart, end: active.selectionEnd }
        : undefined;
    sections.forEach((section, index) => {
      let item = this.#items.get(section.id);
      if (!item) {
        item = new SectionItem(section, this.#host);
        this.#items.set(section.id, item);
      }
      item.update(section, index, sections.length);
      // Move only what is out of place: a moved element loses focus, the others keep it.
      if (this.#list.children[index] !== item.element) {
        this.#list.insertBefore(item.element, this.#list.children[index] ?? null);
      }
    });
    if (this.#focusAfterMove) {
      // Keep keyboard focus on the moved section: the same button, or the other at an end.
      const { sectionId, button } = this.#focusAfterMove;
      this.#focusAfterMove = undefined;
      const element = this.#items.get(sectionId)?.element;
      const preferred = element?.querySelector<HTMLButtonElement>(`.move-${button}`);
      const other = element?.querySelector<HTMLButtonElement>(
        `.move-${button === 'up' ? 'down' : 'up'}`,
      );
      (preferred?.disabled ? other : preferred)?.focus({ preventScroll: false });
    } else if (active && active !== document.activeElement && active.isConnected) {
      active.focus({ preventScroll: true });
      if (selection && 'setSelectionRange' in active && selection.start !== null) {
        (active as HTMLInputElement).setSelectionRange(
          selection.start,
          selection.end ?? selection.start,
        );
      }
    }
  }

  #makeHost(inFlight: InFlight): SectionItemHost {
    return {
      inFlight,
      onToggle: (item) => item.setOpen(!item.open),
      onMove: (item, step) => {
        this.#focusAfterMove = { sectionId: item.id, button: step < 0 ? 'up' : 'down' };
        const next = moveId(this.#order, item.id, step);
        if (next.join() === this.#order.join()) this.#focusAfterMove = undefined;
        else this.#actions.onReorder(next);
      },
      onSave: (section, patch) => this.#actions.onSave(section, patch),
      onDelete: (section) => this.#actions.onDelete(section),
      onDragStart: (item) => {
        this.#dragged = item.id;
      },
      onDragEnd: () => {
        this.#dragged = undefined;
        this.#clearDropMarks();
      },
      onDragOver: (item, event) => {
        if (this.#dragged === undefined || this.#dragged === item.id) return;
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
        this.#clearDropMarks();
        item.element.classList.add(isLowerHalf(item.element, event) ? 'drop-after' : 'drop-before');
      },
      onDrop: (item, event) => {
        event.preventDefault();
        const dragged = this.#dragged;
        this.#clearDropMarks();
        if (dragged === undefined || dragged === item.id) return;
        const next = dropId(this.#order, dragged, item.id, isLowerHalf(item.element, event));
        if (next.join() !== this.#order.join()) this.#actions.onReorder(next);
      },
    };
  }

  #setAddError(message: string | undefined): void {
    this.#addError.hidden = message === undefined;
    this.#addError.textContent = message ?? '';
    if (message === undefined) {
      this.#addInput.removeAttribute('aria-invalid');
      this.#addInput.removeAttribute('aria-describedby');
    } else {
      this.#addInput.setAttribute('aria-invalid', 'true');
      this.#addInput.setAttribute('aria-describedby', 'new-section-error');
    }
  }

  #clearDropMarks(): void {
    for (const el of this.#list.querySelectorAll('.drop-after, .drop-before')) {
      el.classList.remove('drop-after', 'drop-before');
    }
  }
}

function isLowerHalf(element: HTMLElement, event: DragEvent): boolean {
  const box = element.getBoundingClientRect();
  return event.clientY > box.top + box.height / 2;
}
