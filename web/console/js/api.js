// The console's JSON API (docs/console-api.md): GET and POST with the error body turned into
// an ApiError, and paths built from encoded segments.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// apiPath('topics', name, 'messages') -> /api/topics/<name>/messages, each segment encoded.
export function apiPath(...segments) {
  return '/api/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
}

export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') query.set(k, String(v));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

async function answer(response) {
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(response.status, 'bad_answer', `the console answered ${response.status} with no JSON`);
  }
  if (!response.ok) {
    const error = (body && body.error) || {};
    throw new ApiError(response.status, error.code || 'error', error.message || `HTTP ${response.status}`);
  }
  return body;
}

export async function getJson(path, params, { signal } = {}) {
  let response;
  try {
    response = await fetch(withQuery(path, params), { headers: { Accept: 'application/json' }, signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'the console did not answer');
  }
  return answer(response);
}

// token: optional CONSOLE_TOKEN typed in the confirmation dialog (else the cookie set by ?token=).
export async function postJson(path, body, token) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'the console did not answer');
  }
  return answer(response);
}
