// Live tail of a topic over server-sent events (GET .../messages/stream): each `message`
// event is one Message. The browser's EventSource reconnects by itself after a dropped
// connection; an `event: error` from the server ends the tail.
import { apiPath, withQuery } from '../api.js';

export function liveTail(topic, params, { onMessage, onState }) {
  const source = new EventSource(withQuery(apiPath('topics', topic, 'messages', 'stream'), params));
  source.addEventListener('open', () => onState('live'));
  source.addEventListener('error', (event) => {
    // The server's own `event: error` (an error body, then it closes the stream): say why and
    // stop, rather than reconnect into the same failure. Without data it is the connection.
    if (event.data) {
      let message = event.data;
      try {
        const body = JSON.parse(event.data);
        message = (body.error && body.error.message) || message;
      } catch {
        // not JSON: shown as it came
      }
      source.close();
      onState(`stopped: ${message}`);
      return;
    }
    onState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  });
  source.addEventListener('message', (event) => {
    try {
      onMessage(JSON.parse(event.data));
    } catch {
      onState('bad event');
    }
  });
  return () => source.close();
}
