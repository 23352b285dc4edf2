/** A form control that holds what the user types against what the server last said. */
export type FieldControl = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/**
 * One editable value of a section. `base` is the server value the user's edit started from,
 * `latest` the newest server value. A live update replaces the control's value only when the
 * user is neither typing in it (focus) nor holding an unsaved change; when the server moved
 * under an unsaved change, `conflict` is true until the user keeps theirs or takes the server's.
 *
 * @example
 * const heading = new EditableField(input, section.heading);
 * heading.receive('Renamed elsewhere'); // applied unless the user is editing it
 */
export class EditableField {
  readonly control: FieldControl;
  #base: string;
  #latest: string;

  constructor(control: FieldControl, value: string) {
    this.control = control;
    this.#base = value;
    this.#latest = value;
    this.control.value = value;
    // A server value that arrived while the field had focus lands once the user leaves it.
    this.control.addEventListener('blur', () => {
      if (!this.dirty) this.#set(this.#latest);
    });
  }

  get value(): string {
    return this.control.value;
  }

  /** The newest value the server has. */
  get latest(): string {
    return this.#latest;
  }

  get dirty(): boolean {
    return this.control.value !== this.#base;
  }

  /** The user changed this field while someone else changed it to something else. */
  get conflict(): boolean {
    return this.dirty && this.#latest !== this.#base && this.control.value !== this.#latest;
  }

  /** A value from the server (a write's answer, a live refresh). */
  receive(server: string): void {
    this.#latest = server;
    if (this.control.value === server) this.#base = server;
    else if (!this.dirty && document.activeElement !== this.control) this.#set(server);
  }

  /** Keep what the user typed: saving it now overwrites the server's value on purpose. */
  keepMine(): void {
    this.#base = this.#latest;
  }

  /** Drop the user's change for the server's value (Cancel, "take theirs", after a save). */
  takeTheirs(): void {
    this.#set(this.#latest);
  }

  #set(value: string): void {
    this.#base = value;
    this.control.value = value;
  }
}
