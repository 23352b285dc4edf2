import { byId, h } from '../dom.js';

export type ToastKind = 'info' | 'success' | 'error';

/** A short message in the corner; errors stay longer. */
export function toast(message: string, kind: ToastKind = 'info'): void {
  const container = byId('toasts');
  const item = h(
    'div',
    { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    message,
  );
  container.append(item);
  setTimeout(() => item.classList.add('toast-leaving'), kind === 'error' ? 7000 : 3500);
  setTimeout(() => item.remove(), kind === 'error' ? 7400 : 3900);
}
