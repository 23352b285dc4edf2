/**
 * Actions of the page that must not run twice at once (a double click on Save, a second tap on
 * Sync while the first is on its way). Each has a key; while it runs, every button carrying
 * that key (`data-action`) shows busy and ignores presses, re-rendered buttons included.
 *
 * @example
 * const inFlight = new InFlight();
 * h('button', { ...inFlight.attrs('sync:both'), onclick: () => inFlight.run('sync:both', sync) });
 */
export class InFlight {
  readonly #running = new Set<string>();

  has(key: string): boolean {
    return this.#running.has(key);
  }

  /** Runs `action` unless `key` is already running (then resolves `undefined` at once). */
  async run<T>(key: string, action: () => Promise<T>): Promise<T | undefined> {
    if (this.#running.has(key)) return undefined;
    this.#running.add(key);
    this.#paint(key);
    try {
      return await action();
    } finally {
      this.#running.delete(key);
      this.#paint(key);
    }
  }

  /** The attributes of a button for `key`, busy or not, for renderers. */
  attrs(key: string): Record<string, string | undefined> {
    const busy = this.#running.has(key);
    return {
      'data-action': key,
      'aria-busy': busy ? 'true' : undefined,
      // aria-disabled, not disabled: a disabled button drops keyboard focus.
      'aria-disabled': busy ? 'true' : undefined,
    };
  }

  #paint(key: string): void {
    const busy = this.#running.has(key);
    for (const button of document.querySelectorAll<HTMLElement>(
      `[data-action="${CSS.escape(key)}"]`,
    )) {
      if (busy) {
        button.setAttribute('aria-busy', 'true');
        button.setAttribute('aria-disabled', 'true');
      } else {
        button.removeAttribute('aria-busy');
        button.removeAttribute('aria-disabled');
      }
    }
  }
}
