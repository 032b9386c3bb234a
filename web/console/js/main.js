// Entry point: the header's order search and the router.
import { start, go } from './router.js';
import { paths } from './paths.js';

document.getElementById('order-search').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = new FormData(event.target).get('order_id').trim();
  if (id) go(paths.order(id));
});

start();
