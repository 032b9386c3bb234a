// Draws the page for location.pathname and follows same-origin links with history.pushState,
// so the server's real paths (/ui/...) and the pages' links are the same URLs.
import { h, replace } from './dom.js';
import { match } from './routes.js';
import { Page } from './page.js';
import { errorBox } from './views.js';

let current = null;

function markNav(nav) {
  for (const a of document.querySelectorAll('.nav a')) {
    a.classList.toggle('active', a.getAttribute('href') === nav);
  }
}

export async function draw() {
  const app = document.getElementById('app');
  if (current) current.leave();
  const page = new Page();
  current = page;
  const found = match(location.pathname);
  if (!found) {
    markNav(null);
    replace(app, h('h1', null, 'Not found'), h('p', null, 'No page at ', h('code', null, location.pathname)));
    return;
  }
  markNav(found.route.nav);
  try {
    const module = await found.route.load();
    if (!page.active) return;
    const view = h('div', { class: 'page' });
    replace(app, view);
    // Pages navigate through the function they are given: none imports the router.
    await module.default(view, found.params, page, go);
  } catch (e) {
    if (page.active) replace(app, errorBox(e));
  }
}

export function go(path) {
  if (path !== location.pathname + location.search) history.pushState(null, '', path);
  draw();
}

function followLinks(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/static/')) return;
  event.preventDefault();
  go(url.pathname + url.search);
}

export function start() {
  document.addEventListener('click', followLinks);
  window.addEventListener('popstate', draw);
  draw();
}
