// Talks to the registry on this same origin: the API under /api/v1 (Lambda), the sparse index under /index/ and the
// READMEs once rendered under /crates/ (static files behind the CDN, no Lambda). The token lives in sessionStorage only:
// gone when the tab closes, never in a URL, never in localStorage.

const TOKEN_KEY = 'cargoreg.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (t) => sessionStorage.setItem(TOKEN_KEY, t.trim()),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function request(method, path, body, cache = 'default') {
  const headers = {Accept: 'application/json'};
  const t = token.get();
  if (t) headers.Authorization = t;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache});
  } catch (e) {
    throw new ApiError(0, `the registry could not be reached (${e.message})`);
  }
  return res;
}

/** The registry's answer, or an ApiError with cargo's `errors[0].detail`. */
async function json(method, path, body) {
  const res = await request(method, path, body);
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* a non-JSON answer: described below */ }
  if (!res.ok) {
    const detail = data?.errors?.[0]?.detail ?? data?.message ?? (text.trim() || res.statusText);
    throw new ApiError(res.status, detail);
  }
  return data ?? {};
}

const enc = encodeURIComponent;

export const api = {
  search: ({q = '', sort = 'relevance', page = 1, perPage = 20}) =>
    json('GET', `/api/v1/crates?q=${enc(q)}&sort=${enc(sort)}&page=${page}&per_page=${perPage}`),
  crate: (name) => json('GET', `/api/v1/crates/${enc(name)}`),
  owners: (name) => json('GET', `/api/v1/crates/${enc(name)}/owners`),
  me: () => json('GET', '/api/v1/me'),
  tokens: () => json('GET', '/api/v1/me/tokens'),
  createToken: (apiToken) => json('PUT', '/api/v1/me/tokens', {api_token: apiToken}),
  revokeToken: (id) => json('DELETE', `/api/v1/me/tokens/${enc(id)}`),
  createUser: (user) => json('PUT', '/api/v1/admin/users', user),
  removeCrate: (name) => json('DELETE', `/api/v1/crates/${enc(name)}`),
  removeVersion: (name, version) => json('DELETE', `/api/v1/crates/${enc(name)}/${enc(version)}`),

  /**
   * The README through the CDN once rendered; the first time, through the API, which renders and keeps it. A copy
   * rendered from other bytes than the version's (`checksum`; a version removed and published again) is not used.
   */
  async readme(name, version, checksum) {
    const copy = `/crates/${enc(name)}/${enc(name)}-${enc(version)}.readme.html`;
    let res = await request('GET', copy);
    let renderedFrom = res.headers.get('x-amz-meta-sha256');
    if (res.ok && !renderedFrom) {
      // an unmarked copy (rendered by publish before copies were marked) says nothing of the bytes it was rendered
      // from, and the browser may have kept it for a year: ask the CDN again, which forgets a removed version's copy
      res = await request('GET', copy, undefined, 'no-cache');
      renderedFrom = res.headers.get('x-amz-meta-sha256');
    }
    if (res.status === 404 || (res.ok && renderedFrom && checksum && renderedFrom !== checksum)) {
      res = await request('GET', `/api/v1/crates/${enc(name)}/${enc(version)}/readme`);
    }
    if (res.status === 404) return null;
    if (!res.ok) throw new ApiError(res.status, `the README could not be loaded (${res.status})`);
    return res.text();
  },

  /** The crate's sparse index file: one JSON line per version with dependencies and features (no Lambda). */
  async indexEntries(name) {
    const res = await request('GET', `/index/${indexPath(name)}`);
    if (!res.ok) throw new ApiError(res.status, `the index file could not be loaded (${res.status})`);
    return (await res.text()).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  },
};

/** cargo's index layout: 1/a, 2/ab, 3/a/abc, ab/cd/abcd… from the lowercased name. */
export function indexPath(name) {
  const n = name.toLowerCase();
  if (n.length === 1) return `1/${n}`;
  if (n.length === 2) return `2/${n}`;
  if (n.length === 3) return `3/${n[0]}/${n}`;
  return `${n.slice(0, 2)}/${n.slice(2, 4)}/${n}`;
}
