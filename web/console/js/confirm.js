// The confirmation step before an action (docs/console-api.md, Actions): a modal that says what
// will happen, takes CONSOLE_TOKEN unless a cookie already carries it, and resolves to
// {token} on "confirm" or null on cancel.
import { h } from './dom.js';

export function confirmAction({ heading, text, confirmLabel }) {
  return new Promise((resolve) => {
    const token = h('input', { type: 'password', name: 'token', autocomplete: 'off', placeholder: 'CONSOLE_TOKEN (if not already given)' });
    const dialog = h('dialog', { class: 'confirm' },
      h('form', { method: 'dialog' },
        h('h2', null, heading),
        h('p', null, text),
        h('label', null, 'Token ', token),
        h('div', { class: 'controls' },
          h('button', { value: 'cancel', type: 'submit' }, 'Cancel'),
          h('button', { value: 'confirm', type: 'submit', class: 'danger' }, confirmLabel))));
    dialog.addEventListener('close', () => {
      const confirmed = dialog.returnValue === 'confirm';
      dialog.remove();
      resolve(confirmed ? { token: token.value.trim() } : null);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}
