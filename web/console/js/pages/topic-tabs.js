// The tab bar of a topic's two pages (overview and Messages), as links to their real paths.
import { h, link } from '../dom.js';
import { paths } from '../paths.js';

export function topicTabs(name, active) {
  const tab = (path, text, id) => {
    const a = link(path, text);
    a.className = id === active ? 'tab active' : 'tab';
    if (id === active) a.setAttribute('aria-current', 'page');
    return a;
  };
  return h('nav', { class: 'tabs', 'aria-label': 'topic' },
    tab(paths.topic(name), 'Overview', 'overview'),
    tab(paths.messages(name), 'Messages', 'messages'));
}
