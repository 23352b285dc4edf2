import { h, replaceChildren } from '../dom.js';

/** Shown when the API answers 401: the server was started with SECTION_SYNC_TOKEN. */
export function renderTokenDialog(container: HTMLElement, onToken: (token: string) => void): void {
  const input = h('input', {
    class: 'input',
    type: 'password',
    name: 'token',
    autocomplete: 'off',
    'aria-label': 'API token',
    placeholder: 'Token',
  });
  replaceChildren(
    container,
    h(
      'form',
      {
        class: 'card token-card',
        onsubmit: (event: SubmitEvent) => {
          event.preventDefault();
          if (input.value.trim()) onToken(input.value.trim());
        },
      },
      h('h2', { class: 'card-title' }, 'This server needs an API token'),
      h(
        'p',
        { class: 'muted' },
        'It was started with SECTION_SYNC_TOKEN. Enter that token (kept for this tab only), or open the page as ',
        h('code', null, '/#token=…'),
        '.',
      ),
      h(
        'div',
        { class: 'add-section' },
        input,
        h('button', { class: 'button primary', type: 'submit' }, 'Continue'),
      ),
    ),
  );
  input.focus();
}
