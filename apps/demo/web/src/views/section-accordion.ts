import type { Section } from '@section-sync/core';
import { h, replaceChildren } from '../dom.js';

export interface SectionPatch {
  heading: string;
  description: string;
  status: string;
}

export interface SectionAccordionActions {
  onSave: (section: Section, patch: SectionPatch) => void;
  onDelete: (section: Section) => void;
  /** The new order of every section id (drag and drop, move up / down). */
  onReorder: (sectionIds: string[]) => void;
  onAdd: (heading: string) => void;
}

const STATUSES = ['draft', 'outlined', 'in_progress', 'review', 'complete'];

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
 * status), expand to edit inline; reorder by drag and drop or with the move buttons (keyboard);
 * add and delete. Open items and unsaved edits survive a re-render (live refresh).
 */
export class SectionAccordion {
  readonly element: HTMLElement;
  readonly #list: HTMLOListElement;
  readonly #actions: SectionAccordionActions;
  readonly #open = new Set<string>();
  readonly #drafts = new Map<string, SectionPatch>();
  #sections: Section[] = [];
  #dragged: string | undefined;
  #focusAfterRender: { sectionId: string; button: 'up' | 'down' } | undefined;

  constructor(actions: SectionAccordionActions) {
    this.#actions = actions;
    this.#list = h('ol', { class: 'accordion', id: 'sections', 'aria-label': 'Sections' });
    const addInput = h('input', {
      name: 'heading',
      class: 'input',
      placeholder: 'New section heading',
      'aria-label': 'New section heading',
      required: true,
      maxlength: 1000,
    });
    const addForm = h(
      'form',
      {
        class: 'add-section',
        onsubmit: (event: SubmitEvent) => {
          event.preventDefault();
          const heading = addInput.value.trim();
          if (!heading) return;
          addInput.value = '';
          actions.onAdd(heading);
        },
      },
      addInput,
      h('button', { class: 'button', type: 'submit' }, 'Add section'),
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
          h('p', { class: 'card-sub' }, h('code', null, 'post_section'), ' rows · drag to reorder'),
        ),
      ),
      this.#list,
      addForm,
      h('datalist', { id: 'status-options' }, ...STATUSES.map((s) => h('option', { value: s }))),
    );
  }

  get sectionIds(): string[] {
    return this.#sections.map((s) => s.id);
  }

  render(sections: Section[]): void {
    this.#sections = sections;
    const ids = new Set(sections.map((s) => s.id));
    for (const id of [...this.#open]) if (!ids.has(id)) this.#open.delete(id);
    for (const id of [...this.#drafts.keys()]) if (!ids.has(id)) this.#drafts.delete(id);
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
    const focus = this.#focusedControl();
    replaceChildren(this.#list, ...sections.map((s, i) => this.#item(s, i, sections.length)));
    if (focus && !this.#focusAfterRender) this.#restoreFocus(focus);
    if (this.#focusAfterRender) {
      // Keep keyboard focus on the moved section: the same button, or the other at an end.
      const { sectionId, button } = this.#focusAfterRender;
      this.#focusAfterRender = undefined;
      const other = button === 'up' ? 'down' : 'up';
      const item = this.#list.querySelector(`[data-id="${sectionId}"]`);
      const preferred = item?.querySelector<HTMLButtonElement>(`.move-${button}`);
      (preferred?.disabled
        ? item?.querySelector<HTMLButtonElement>(`.move-${other}`)
        : preferred
      )?.focus();
    }
  }

  #item(section: Section, index: number, count: number): HTMLLIElement {
    const open = this.#open.has(section.id);
    const draft = this.#drafts.get(section.id);
    const bodyId = `section-${section.id}-body`;
    const values = draft ?? {
      heading: section.heading,
      description: section.description,
      status: section.status,
    };
    const heading = h('input', { class: 'input', name: 'heading', value: values.heading });
    const description = h('textarea', { class: 'input', name: 'description', rows: 3 });
    description.value = values.description;
    const status = h('input', {
      class: 'input',
      name: 'status',
      value: values.status,
      list: 'status-options',
    });
    const remember = () =>
      this.#drafts.set(section.id, {
        heading: heading.value,
        description: description.value,
        status: status.value,
      });
    for (const field of [heading, description, status]) field.addEventListener('input', remember);

    const move = (step: -1 | 1) => {
      this.#focusAfterRender = { sectionId: section.id, button: step < 0 ? 'up' : 'down' };
      this.#actions.onReorder(moveId(this.sectionIds, section.id, step));
    };

    const item = h(
      'li',
      {
        class: `acc-item${open ? ' open' : ''}`,
        'data-id': section.id,
        'data-testid': 'section',
      },
      h(
        'div',
        {
          class: 'acc-head',
          draggable: true,
          ondragstart: (event: DragEvent) => {
            this.#dragged = section.id;
            item.classList.add('dragging');
            event.dataTransfer?.setData('text/plain', String(section.id));
            if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
          },
          ondragend: () => {
            this.#dragged = undefined;
            item.classList.remove('dragging');
            this.#clearDropMarks();
          },
        },
        h('span', { class: 'drag-handle', 'aria-hidden': 'true', title: 'Drag to reorder' }, '⠿'),
        h('span', { class: 'acc-order' }, section.order),
        h(
          'button',
          {
            class: 'acc-toggle',
            'aria-expanded': String(open),
            'aria-controls': bodyId,
            onclick: () => {
              if (this.#open.has(section.id)) this.#open.delete(section.id);
              else this.#open.add(section.id);
              this.render(this.#sections);
            },
          },
          h('span', { class: 'acc-heading', 'data-testid': 'section-heading' }, section.heading),
          section.description
            ? h(
                'span',
                { class: 'acc-desc', 'data-testid': 'section-description' },
                section.description,
              )
            : h('span', { class: 'acc-desc muted' }, 'No description'),
        ),
        h(
          'span',
          { class: 'status-pill', 'data-status': section.status },
          section.status.replace('_', ' '),
        ),
        h(
          'span',
          { class: 'move-buttons' },
          h(
            'button',
            {
              class: 'icon-button move-up',
              'aria-label': `Move “${section.heading}” up`,
              title: 'Move up',
              disabled: index === 0,
              onclick: () => move(-1),
            },
            '↑',
          ),
          h(
            'button',
            {
              class: 'icon-button move-down',
              'aria-label': `Move “${section.heading}” down`,
              title: 'Move down',
              disabled: index === count - 1,
              onclick: () => move(1),
            },
            '↓',
          ),
        ),
      ),
      h(
        'form',
        {
          class: 'acc-body',
          id: bodyId,
          hidden: !open,
          onsubmit: (event: SubmitEvent) => {
            event.preventDefault();
            this.#actions.onSave(section, {
              heading: heading.value,
              description: description.value,
              status: status.value,
            });
          },
        },
        h('label', { class: 'field' }, h('span', null, 'Heading'), heading),
        h('label', { class: 'field' }, h('span', null, 'Description'), description),
        h('label', { class: 'field field-status' }, h('span', null, 'Status'), status),
        h(
          'div',
          { class: 'actions' },
          h('button', { class: 'button primary', type: 'submit' }, 'Save section'),
          h(
            'button',
            {
              class: 'button ghost',
              type: 'button',
              onclick: () => {
                this.#drafts.delete(section.id);
                this.#open.delete(section.id);
                this.render(this.#sections);
              },
            },
            'Cancel',
          ),
          h(
            'button',
            {
              class: 'button danger',
              type: 'button',
              'aria-label': `Delete “${section.heading}”`,
              onclick: () => this.#actions.onDelete(section),
            },
            'Delete',
          ),
        ),
      ),
    );
    item.addEventListener('dragover', (event) => {
      if (this.#dragged === undefined || this.#dragged === section.id) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
      const after = this.#isLowerHalf(item, event);
      this.#clearDropMarks();
      item.classList.add(after ? 'drop-after' : 'drop-before');
    });
    item.addEventListener('dragleave', () => item.classList.remove('drop-after', 'drop-before'));
    item.addEventListener('drop', (event) => {
      event.preventDefault();
      const dragged = this.#dragged;
      this.#clearDropMarks();
      if (dragged === undefined || dragged === section.id) return;
      const next = dropId(this.sectionIds, dragged, section.id, this.#isLowerHalf(item, event));
      if (next.join() !== this.sectionIds.join()) this.#actions.onReorder(next);
    });
    return item;
  }

  // A live refresh redraws the list: the control that had focus (a move button, a field being
  // typed in) gets it back, caret included.
  #focusedControl():
    | { sectionId: string; selector: string; start: number | null; end: number | null }
    | undefined {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.#list.contains(active)) return undefined;
    const item = active.closest<HTMLElement>('[data-id]');
    if (!item?.dataset.id) return undefined;
    const name = active.getAttribute('name');
    const selector = name
      ? `[name="${name}"]`
      : (['move-up', 'move-down', 'acc-toggle'].find((c) => active.classList.contains(c)) ?? '');
    if (!selector) return undefined;
    const field = active as HTMLInputElement;
    return {
      sectionId: item.dataset.id,
      selector: selector.startsWith('[') ? selector : `.${selector}`,
      start: 'selectionStart' in field ? field.selectionStart : null,
      end: 'selectionEnd' in field ? field.selectionEnd : null,
    };
  }

  #restoreFocus(focus: {
    sectionId: string;
    selector: string;
    start: number | null;
    end: number | null;
  }): void {
    const control = this.#list.querySelector<HTMLInputElement>(
      `[data-id="${focus.sectionId}"] ${focus.selector}`,
    );
    if (!control) return;
    control.focus();
    if (focus.start !== null && typeof control.setSelectionRange === 'function') {
      control.setSelectionRange(focus.start, focus.end ?? focus.start);
    }
  }

  /** After saving a section its draft is done with. */
  saved(sectionId: string): void {
    this.#drafts.delete(sectionId);
  }

  #isLowerHalf(item: HTMLElement, event: DragEvent): boolean {
    const box = item.getBoundingClientRect();
    return event.clientY > box.top + box.height / 2;
  }

  #clearDropMarks(): void {
    for (const el of this.#list.querySelectorAll('.drop-after, .drop-before')) {
      el.classList.remove('drop-after', 'drop-before');
    }
  }
}
