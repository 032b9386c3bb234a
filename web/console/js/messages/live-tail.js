// Live tail of a topic over server-sent events (GET .../messages/stream): each `message`
// event is one Message. The browser's EventSource reconnects by itself after a drop.
import { apiPath, withQuery } from '../api.js';

export function liveTail(topic, params, { onMessage, onState }) {
  const source = new EventSource(withQuery(apiPath('topics', topic, 'messages', 'stream'), params));
  source.addEventListener('open', () => onState('live'));
  source.addEventListener('error', () => onState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'));
  source.addEventListener('message', (event) => {
    try {
      onMessage(JSON.parse(event.data));
    } catch {
      onState('bad event');
    }
  });
  return () => source.close();
}
