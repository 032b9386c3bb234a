// /ui/clusters/kraft/all-topics/{topic}/messages: the records read by the form's query, newest
// first by default; a live tail adds new ones on top without a reload; export what is shown.
import { apiPath, getJson } from '../api.js';
import { h, link, replace } from '../dom.js';
import { paths } from '../paths.js';
import { errorBox, title } from '../views.js';
import { topicTabs } from './topic-tabs.js';
import { queryForm } from '../messages/message-query.js';
import { messageView } from '../messages/message-view.js';
import { liveTail } from '../messages/live-tail.js';
import { download, toCsv, toJson } from '../messages/export.js';

const kMaxShown = 1000;

export default async function render(view, [topic], page) {
  let partitions = [];
  try {
    partitions = (await getJson(apiPath('topics', topic))).partitions.map((p) => p.partition);
  } catch (e) {
    replace(view, title(topic), errorBox(e));
    return;
  }
  let shown = [];
  let stopTail = null;
  const status = h('p', { class: 'muted', id: 'messages-status' });
  const list = h('div', { class: 'messages', id: 'messages' });
  const liveState = h('span', { class: 'muted', id: 'live-state' }, 'off');
  const liveToggle = h('input', { type: 'checkbox', id: 'live', checked: true });
  const query = queryForm(partitions, () => load());

  const describe = (truncated) => {
    status.textContent = `${shown.length} message(s) shown${truncated ? ' (more match: raise the limit or narrow the query)' : ''}`;
  };
  const load = async () => {
    status.textContent = 'Reading…';
    try {
      const answer = await getJson(apiPath('topics', topic, 'messages'), query.read());
      if (!page.active) return;
      shown = answer.messages;
      replace(list, shown.map((m) => messageView(m)));
      describe(answer.truncated);
    } catch (e) {
      replace(list, errorBox(e));
      status.textContent = '';
    }
    restartTail();
  };
  const onLive = (m) => {
    if (query.newestFirst()) {
      shown.unshift(m);
      list.prepend(messageView(m, { live: true }));
    } else {
      shown.push(m);
      list.append(messageView(m, { live: true }));
    }
    while (shown.length > kMaxShown) {
      if (query.newestFirst()) {
        shown.pop();
        list.lastElementChild.remove();
      } else {
        shown.shift();
        list.firstElementChild.remove();
      }
    }
    describe(false);
  };
  const restartTail = () => {
    if (stopTail) stopTail();
    stopTail = null;
    if (!liveToggle.checked) {
      liveState.textContent = 'off';
      return;
    }
    liveState.textContent = 'connecting';
    stopTail = liveTail(topic, query.filters(), { onMessage: onLive, onState: (s) => { liveState.textContent = s; } });
  };
  liveToggle.addEventListener('change', restartTail);
  page.onLeave(() => stopTail && stopTail());

  const exportButtons = h('span', { class: 'export' },
    h('button', { type: 'button', onclick: () => download(`${topic}-messages.json`, toJson(shown), 'application/json') }, 'Export JSON'),
    h('button', { type: 'button', onclick: () => download(`${topic}-messages.csv`, toCsv(shown), 'text/csv') }, 'Export CSV'));
  replace(view,
    h('p', { class: 'crumbs' }, link(paths.topics, 'Topics'), ' / ', link(paths.topic(topic), topic), ' / Messages'),
    title(topic), topicTabs(topic, 'messages'),
    query.form,
    h('div', { class: 'controls' }, h('label', null, liveToggle, ' Live tail: '), liveState, exportButtons),
    status, list);
  await load();
}
