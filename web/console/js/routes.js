// Every page of docs/console-api.md: a path pattern, the module that draws it, and the nav
// entry it belongs to. Captured segments are decoded before the page sees them.
import { paths } from './paths.js';

const { topics } = paths;

export const routes = [
  { pattern: /^\/$/, load: () => import('./pages/overview.js'), nav: '/' },
  { pattern: new RegExp(`^${topics}/?$`), load: () => import('./pages/topics.js'), nav: topics },
  { pattern: new RegExp(`^${topics}/([^/]+)/messages/?$`), load: () => import('./pages/messages.js'), nav: topics },
  { pattern: new RegExp(`^${topics}/([^/]+)/?$`), load: () => import('./pages/topic.js'), nav: topics },
  { pattern: /^\/ui\/brokers\/?$/, load: () => import('./pages/brokers.js'), nav: '/ui/brokers' },
  { pattern: /^\/ui\/groups\/?$/, load: () => import('./pages/groups.js'), nav: '/ui/groups' },
  { pattern: /^\/ui\/groups\/([^/]+)\/?$/, load: () => import('./pages/group.js'), nav: '/ui/groups' },
  { pattern: /^\/ui\/schemas\/?$/, load: () => import('./pages/schemas.js'), nav: '/ui/schemas' },
  { pattern: /^\/ui\/schemas\/([^/]+)\/?$/, load: () => import('./pages/schema.js'), nav: '/ui/schemas' },
  { pattern: /^\/ui\/redis\/?$/, load: () => import('./pages/redis.js'), nav: '/ui/redis' },
  { pattern: /^\/ui\/orders\/([^/]+)\/?$/, load: () => import('./pages/order.js'), nav: null },
  { pattern: /^\/ui\/dlq\/?$/, load: () => import('./pages/dlq.js'), nav: '/ui/dlq' },
];

export function match(pathname) {
  for (const route of routes) {
    const found = route.pattern.exec(pathname);
    if (found) return { route, params: found.slice(1).map(decodeURIComponent) };
  }
  return null;
}
