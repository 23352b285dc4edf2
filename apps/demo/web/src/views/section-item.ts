import type { Section } from '@section-sync/core';
import { h, replaceChildren } from '../dom.js';
import type { InFlight } from '../in-flight.js';
import { EditableField } from './editable-field.js';

/** The fields of a section the page edits. */
export type SectionField = 'heading' | 'description' | 'status';

export type SectionPatch = Partial<Record<SectionField, string>>;

/** The statuses the page offers; any other value a writer stored is shown and kept as it is. */
export const KNOWN_STATUSES = ['draft', 'in_progress', 'complete'] as const;

const STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  in_progress: 'In progress',
  complete: 'Complete',
};

const FIELD_LABELS: Record<SectionField, string> = {
  heading: 'Heading',
  description: 'Description',
  status: 'Status',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

export interface SectionItemHost {
  readonly inFlight: InFlight;
  onToggle(item: SectionItem): void;
  onMove(item: SectionItem, step: -1 | 1): void;
  onSave(section: Section, patch: SectionPatch): void;
  onDelete(section: Section): void;
  onDragStart(item: SectionItem): void;
  onDragEnd(): void;
  onDragOver(item: SectionItem, event: DragEvent): void;
  onDrop(item: SectionItem, event: DragEvent): void;
}

/**
 * One row of the green accordion, kept (not rebuilt) across renders so that focus, caret and
 * unsaved edits stay where the user left them. The head shows the server's values; the form
 * holds the user's, with a conflict notice when both changed.
 */
export class SectionItem {
  readonly element: HTMLLIElement;
  section: Section;
  open = false;
  readonly #host: SectionItemHost;
  readonly #fields: Record<SectionField, EditableField>;
  readonly #errors: Record<SectionField, HTMLElement>;
  readonly #order: HTMLElement;
  readonly #heading: HTMLElement;
  readonly #description: HTMLElement;
  readonly #status: HTMLElement;
  readonly #unsaved: HTMLElement;
  readonly #toggle: HTMLButtonElement;
  readonly #up: HTMLButtonElement;
  readonly #down: HTMLButtonElement;
  readonly #body: HTMLFormElement;
  readonly #conflicts: HTMLElement;
  readonly #formError: HTMLElement;
  readonly #actions: HTMLElement;
  #confirmingDelete = false;

  constructor(section: Section, host: SectionItemHost) {
    this.section = section;
    this.#host = host;
    const id = section.id;
    const headingInput = h('input', {
      class: 'input',
      name: 'heading',
      id: `section-${id}-heading`,
      'aria-required': 'true',
      maxlength: 1000,
      autocomplete: 'off',
    });
    const descriptionInput = h('textarea', {
      class: 'input',
      name: 'description',
      id: `section-${id}-description`,
      rows: 3,
    });
    const statusSelect = h('select', {
      class: 'input',
      name: 'status',
      id: `section-${id}-status`,
    });
    this.#syncStatusOptions(statusSelect, [section.status]);
    this.#fields = {
      heading: new EditableField(headingInput, section.heading),
      description: new EditableField(descriptionInput, section.description),
      status: new EditableField(statusSelect, section.status),
    };
    this.#errors = {
      heading: h('p', { class: 'field-error', id: `section-${id}-heading-error`, hidden: true }),
      description: h('p', {
        class: 'field-error',
        id: `section-${id}-description-error`,
        hidden: true,
      }),
      status: h('p', { class: 'field-error', id: `section-${id}-status-error`, hidden: true }),
    };
    for (const name of ['heading', 'description', 'status'] as const) {
      const control = this.#fields[name].control;
      control.addEventListener(name === 'status' ? 'change' : 'input', () => {
        this.#clearError(name);
        this.#refreshState();
      });
    }

    this.#order = h('span', { class: 'acc-order', 'aria-hidden': 'true' });
    this.#heading = h('span', { class: 'acc-heading', 'data-testid': 'section-heading' });
    this.#description = h('span', { class: 'acc-desc' });
    this.#status = h('span', { class: 'status-pill', 'data-testid': 'section-status' });
    this.#unsaved = h('span', { class: 'unsaved-pill', hidden: true }, 'Unsaved');
    this.#toggle = h(
      'button',
      {
        type: 'button',
        class: 'acc-toggle',
        'aria-expanded': 'false',
        'aria-controls': `section-${id}-body`,
        onclick: () => host.onToggle(this),
      },
      this.#heading,
      h('span', { class: 'acc-meta' }, this.#status, this.#unsaved, this.#description),
    );
    this.#up = h(
      'button',
      { type: 'button', class: 'icon-button move-up', onclick: () => host.onMove(this, -1) },
      '↑',
    );
    this.#down = h(
      'button',
      { type: 'button', class: 'icon-button move-down', onclick: () => host.onMove(this, 1) },
      '↓',
    );
    this.#conflicts = h('div', { class: 'conflict', role: 'alert', hidden: true });
    this.#formError = h('p', { class: 'field-error', role: 'alert', hidden: true });
    this.#actions = h('div', { class: 'actions' });
    this.#body = h(
      'form',
      {
        class: 'acc-body',
        id: `section-${id}-body`,
        hidden: true,
        novalidate: true,
        'aria-label': 'Edit section',
        onsubmit: (event: SubmitEvent) => {
          event.preventDefault();
          this.#submit();
        },
      },
      this.#conflicts,
      this.#field('heading', headingInput),
      this.#field('description', descriptionInput),
      this.#field('status', statusSelect),
      this.#formError,
      this.#actions,
    );

    const head = h(
      'div',
      {
        class: 'acc-head',
        draggable: true,
        ondragstart: (event: DragEvent) => {
          host.onDragStart(this);
          this.element.classList.add('dragging');
          event.dataTransfer?.setData('text/plain', String(this.section.id));
          if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
        },
        ondragend: () => {
          this.element.classList.remove('dragging');
          host.onDragEnd();
        },
      },
      h('span', { class: 'drag-handle', 'aria-hidden': 'true', title: 'Drag to reorder' }, '⠿'),
      this.#order,
      this.#toggle,
      h('span', { class: 'move-buttons' }, this.#up, this.#down),
    );
    this.element = h(
      'li',
      { class: 'acc-item', 'data-id': id, 'data-testid': 'section' },
      head,
      this.#body,
    );
    this.element.addEventListener('dragover', (event) => host.onDragOver(this, event));
    this.element.addEventListener('drop', (event) => host.onDrop(this, event));
  }

  get id(): string {
    return this.section.id;
  }

  /** The fields the user changed, with their values. */
  get patch(): SectionPatch {
    const patch: SectionPatch = {};
    for (const name of ['heading', 'description', 'status'] as const) {
      const field = this.#fields[name];
      if (field.value !== field.latest) patch[name] = field.value;
    }
    return patch;
  }

  get dirty(): boolean {
    return Object.values(this.#fields).some((f) => f.dirty);
  }

  get hasConflict(): boolean {
    return Object.values(this.#fields).some((f) => f.conflict);
  }

  /** Takes the server's section; the user's unsaved values and focus stay. */
  update(section: Section, index: number, count: number): void {
    this.section = section;
    const status = this.#fields.status;
    this.#syncStatusOptions(status.control as HTMLSelectElement, [section.status, status.value]);
    this.#fields.heading.receive(section.heading);
    this.#fields.description.receive(section.description);
    status.receive(section.status);

    this.#order.textContent = String(section.order);
    this.#heading.textContent = section.heading;
    this.#description.textContent = section.description || 'No description';
    this.#description.classList.toggle('muted', !section.description);
    this.#status.textContent = statusLabel(section.status);
    this.#status.dataset.status = section.status;
    this.#up.disabled = index === 0;
    this.#down.disabled = index === count - 1;
    this.#up.setAttribute('aria-label', `Move “${section.heading}” up`);
    this.#down.setAttribute('aria-label', `Move “${section.heading}” down`);
    this.#up.title = 'Move up';
    this.#down.title = 'Move down';
    if (this.hasConflict) this.open = true;
    this.#refreshState();
  }

  setOpen(open: boolean): void {
    this.open = open;
    this.#refreshState();
  }

  /** Forget the user's changes (Cancel) or settle them after a save: the server's values. */
  reset(): void {
    for (const field of Object.values(this.#fields)) field.takeTheirs();
    for (const name of ['heading', 'description', 'status'] as const) this.#clearError(name);
    this.#confirmingDelete = false;
    this.#refreshState();
  }

  /** Shows a refusal at its field (a 422 naming the field), or for the whole section. */
  showError(field: string | undefined, message: string): void {
    this.setOpen(true);
    const known = field === 'heading' || field === 'description' || field === 'status';
    if (!known) {
      this.#formError.textContent = message;
      this.#formError.hidden = false;
      return;
    }
    const error = this.#errors[field];
    error.textContent = message;
    error.hidden = false;
    const control = this.#fields[field].control;
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', error.id);
    control.focus();
  }

  /** Re-renders the busy state of the item's buttons (InFlight paints by key as well). */
  refresh(): void {
    this.#refreshState();
  }

  #field(name: SectionField, control: HTMLElement): HTMLElement {
    return h(
      'div',
      { class: `field field-${name}` },
      h('label', { for: control.id }, FIELD_LABELS[name]),
      control,
      this.#errors[name],
    );
  }

  #submit(): void {
    this.#formError.hidden = true;
    if (this.hasConflict) {
      this.#formError.textContent =
        'This section changed elsewhere while you edited it: keep your version or take theirs first.';
      this.#formError.hidden = false;
      this.#conflicts.querySelector<HTMLButtonElement>('button')?.focus();
      return;
    }
    if (this.#fields.heading.value.trim() === '') {
      this.showError('heading', 'A heading cannot be empty: type one, or delete the section.');
      return;
    }
    this.#host.onSave(this.section, this.patch);
  }

  #clearError(name: SectionField): void {
    this.#errors[name].hidden = true;
    this.#errors[name].textContent = '';
    this.#fields[name].control.removeAttribute('aria-invalid');
    this.#fields[name].control.removeAttribute('aria-describedby');
    this.#formError.hidden = true;
  }

  #refreshState(): void {
    this.element.classList.toggle('open', this.open);
    this.element.classList.toggle('has-conflict', this.hasConflict);
    this.#toggle.setAttribute('aria-expanded', String(this.open));
    this.#body.hidden = !this.open;
    this.#unsaved.hidden = !this.dirty;
    this.#renderConflicts();
    this.#renderActions();
  }

  #renderConflicts(): void {
    const conflicting = (['heading', 'description', 'status'] as const).filter(
      (name) => this.#fields[name].conflict,
    );
    this.#conflicts.hidden = conflicting.length === 0;
    if (conflicting.length === 0) {
      replaceChildren(this.#conflicts);
      return;
    }
    const show = (name: SectionField, value: string) =>
      name === 'status' ? statusLabel(value) : value || '(empty)';
    replaceChildren(
      this.#conflicts,
      h('p', { class: 'conflict-title' }, 'Changed elsewhere while you were editing'),
      ...conflicting.map((name) => {
        const field = this.#fields[name];
        return h(
          'div',
          { class: 'conflict-field', 'data-field': name },
          h('p', { class: 'conflict-name' }, FIELD_LABELS[name]),
          h(
            'dl',
            { class: 'conflict-versions' },
            h('dt', null, 'Theirs'),
            h('dd', { 'data-testid': 'theirs' }, show(name, field.latest)),
            h('dt', null, 'Yours'),
            h('dd', { 'data-testid': 'yours' }, show(name, field.value)),
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
                  field.keepMine();
                  this.#refreshState();
                  field.control.focus();
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
                  field.takeTheirs();
                  this.#refreshState();
                  field.control.focus();
                },
              },
              'Take theirs',
            ),
          ),
        );
      }),
    );
  }

  #renderActions(): void {
    const { inFlight } = this.#host;
    const id = this.section.id;
    const heading = this.section.heading;
    if (this.#confirmingDelete) {
      const confirm = h(
        'button',
        {
          type: 'button',
          class: 'button danger-solid',
          ...inFlight.attrs(`delete-section:${id}`),
          onclick: () => this.#host.onDelete(this.section),
        },
        'Yes, delete',
      );
      replaceChildren(
        this.#actions,
        h(
          'span',
          { class: 'confirm-question', id: `section-${id}-confirm` },
          `Delete “${heading}”?`,
        ),
        confirm,
        h(
          'button',
          {
            type: 'button',
            class: 'button ghost',
            onclick: () => {
              this.#confirmingDelete = false;
              this.#refreshState();
              this.#actions.querySelector<HTMLButtonElement>('.danger')?.focus();
            },
          },
          'Keep it',
        ),
      );
      confirm.setAttribute('aria-describedby', `section-${id}-confirm`);
      return;
    }
    const existing = this.#actions.querySelector('.danger');
    if (existing) {
      existing.setAttribute('aria-label', `Delete “${heading}”`);
      return;
    }
    replaceChildren(
      this.#actions,
      h(
        'button',
        {
          class: 'button primary',
          type: 'submit',
          'data-role': 'save',
          ...inFlight.attrs(`save-section:${id}`),
        },
        'Save section',
      ),
      h(
        'button',
        {
          class: 'button ghost',
          type: 'button',
          onclick: () => {
            this.reset();
            this.setOpen(false);
            this.#toggle.focus();
          },
        },
        'Cancel',
      ),
      h(
        'button',
        {
          class: 'button danger',
          type: 'button',
          'aria-label': `Delete “${heading}”`,
          onclick: () => {
            this.#confirmingDelete = true;
            this.#refreshState();
            this.#actions.querySelector<HTMLButtonElement>('.danger-solid')?.focus();
          },
        },
        'Delete',
      ),
    );
  }

  #syncStatusOptions(select: HTMLSelectElement, wanted: string[]): void {
    const values = [...KNOWN_STATUSES, ...wanted.filter((v) => !isKnown(v))];
    const unique = [...new Set(values)];
    const current = [...select.options].map((o) => o.value);
    if (current.join('\n') === unique.join('\n')) return;
    const selected = select.value;
    replaceChildren(
      select,
      ...unique.map((value) =>
        h(
          'option',
          { value },
          isKnown(value) ? statusLabel(value) : `${value || '(none)'} (stored value, kept)`,
        ),
      ),
    );
    if (selected && unique.includes(selected)) select.value = selected;
  }
}

function isKnown(status: string): boolean {
  return (KNOWN_STATUSES as readonly string[]).includes(status);
}
