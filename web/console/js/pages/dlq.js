// /ui/dlq: the dead letters with their reason headers, and redrive (one, or all; dry run
// first if wanted). Redrive needs CONSOLE_TOKEN and a confirmation: without them the server
// refuses and the page shows why.
import { getJson, postJson } from '../api.js';
import { h, replace, section } from '../dom.js';
import * as fmt from '../format.js';
import { confirmAction } from '../confirm.js';
import { messageView } from '../messages/message-view.js';
import { errorBox, title, loading } from '../views.js';

function header(m, name) {
  const found = (m.headers || []).find(([k]) => k === name);
  return found ? found[1] : null;
}

function outcome(result) {
  return section('Redrive answer', h('pre', { class: 'json' }, JSON.stringify(result, null, 2)));
}

export default async function render(view, _params, page) {
  const dryRun = h('input', { type: 'checkbox', id: 'dry-run', checked: true });
  const answerBox = h('div', { id: 'redrive-answer' });
  const body = h('div', null, loading());

  const redrive = async (request, what) => {
    const ok = await confirmAction({
      heading: dryRun.checked ? 'Dry run of a redrive' : 'Redrive',
      text: `${dryRun.checked ? 'Plan, without sending,' : 'Re-produce'} ${what} to the source topic with headers naming the dead letter.`,
      confirmLabel: dryRun.checked ? 'Plan it' : 'Redrive',
    });
    if (!ok) return;
    try {
      const result = await postJson('/api/dlq/redrive', { ...request, dry_run: dryRun.checked, confirm: true }, ok.token);
      replace(answerBox, outcome(result));
    } catch (e) {
      replace(answerBox, errorBox(e));
    }
  };

  const row = (m) => {
    const reason = header(m, 'dlq.reason');
    const group = header(m, 'dlq.consumer.group');
    const item = messageView(m, {
      extra: [reason ? h('span', { class: 'reason' }, reason) : null, group ? h('span', { class: 'muted' }, `from ${group}`) : null],
    });
    const actions = h('div', { class: 'controls' },
      h('button', { type: 'button', onclick: () => redrive({ offset: m.offset }, `the dead letter at offset ${m.offset}`) }, 'Redrive'));
    item.querySelector('.message-body').prepend(actions);
    return item;
  };

  replace(view, title('Dead letters',
    h('div', { class: 'controls' },
      h('label', null, dryRun, ' dry run'),
      h('button', { type: 'button', onclick: () => redrive({ all: true }, 'every dead letter') }, 'Redrive all'))),
  answerBox, body);

  page.every(10000, async () => {
    if (body.querySelector('details[open]')) return;  // never redraw under an open record
    try {
      const { dead_letters: letters } = await getJson('/api/dlq');
      // A record may have been opened while the answer was on its way (a slow read of the topic).
      if (body.querySelector('details[open]')) return;
      replace(body, h('p', { class: 'muted' }, `${fmt.int(letters.length)} dead letter(s)`),
        h('div', { class: 'messages' }, letters.map(row)));
    } catch (e) {
      replace(body, errorBox(e));
    }
  });
}
