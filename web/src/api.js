// The JSON API, relative to the page so the app works under any mount point.
// Reads may be token-protected: a token given in the page is kept for the tab's session only.

const TOKEN_KEY = 'flashpoint.token';

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === null || v === undefined || v === '') continue;
    if (Array.isArray(v)) for (const one of v) q.append(k, String(one)); // several values: any matches
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export async function api(path, params, { signal } = {}) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`api/${path}${query(params)}`, { headers, signal });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      const detail = body && (body.detail ?? body.error ?? body.message);
      if (typeof detail === 'string') message = detail;
      else if (Array.isArray(detail) && detail.length) message = detail.map((d) => d.msg || String(d)).join('; ');
    } catch {
      /* not JSON: keep the status line */
    }
    throw new ApiError(message, res.status);
  }
  return res.json();
}
