// The web UI: hash routes, so the same static files work from S3 with no rewrite rules, and cargo's login_url (/me)
// is one more copy of the shell.
import {h, mount, notice} from './dom.js';
import {api, token} from './api.js';
import {renderSearch, updateSearch} from './search.js';
import {renderCrate} from './crate.js';
import {renderMe} from './me.js';
import {renderAdmin} from './admin.js';

const main = document.getElementById('main');
const input = document.getElementById('q');

export function route() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  return {parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query)};
}

async function render() {
  const {parts, params} = route();
  const page = parts[0] ?? '';
  document.body.dataset.page = page || 'home';
  for (const [id, name] of [['nav-me', 'me'], ['nav-admin', 'admin']]) {
    if (page === name) document.getElementById(id).setAttribute('aria-current', 'page');
    else document.getElementById(id).removeAttribute('aria-current');
  }
  // Each render draws into a container of its own: an earlier render still waiting on the API (the Me page loading
  // when the user clicks Admin) then finishes into a detached node instead of overwriting the page now shown.
  const view = h('div', {class: 'view'});
  main.replaceChildren(view);
  try {
    if (page === '' || page === 'search') {
      input.value = params.get('q') ?? '';
      await renderSearch(view, params);
    } else if (page === 'crates' && parts[1]) {
      await renderCrate(view, parts[1], parts[2]);
    } else if (page === 'me') {
      await renderMe(view);
    } else if (page === 'admin') {
      await renderAdmin(view);
    } else {
      document.title = 'Not found · Cargo registry';
      mount(view, h('h1', {}, 'Not found'), h('p', {}, h('a', {href: '#/'}, 'Back to the start page')));
    }
  } catch (e) {
    mount(view, h('h1', {}, 'Something went wrong'), notice('error', e.message), signInHint(e));
  }
}

/** On a private registry every read needs a token: say where to sign in. */
export function signInHint(e) {
  if (e?.status === 401 || e?.status === 403) {
    return h('p', {}, token.get() ? 'Your token was not accepted. ' : 'This registry needs a token to read. ',
      h('a', {href: '#/me'}, 'Sign in with a token'), '.');
  }
  return null;
}

/** Shows the Admin link to administrators. */
export async function refreshNav() {
  const admin = document.getElementById('nav-admin');
  if (!token.get()) {
    admin.hidden = true;
    return;
  }
  try {
    const me = await api.me();
    admin.hidden = !me.user?.is_admin;
  } catch {
    admin.hidden = true;
  }
}

let typing;
input.addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => {
    const q = input.value;
    const {parts, params} = route();
    const sort = params.get('sort') ?? 'relevance';
    const hash = `#/search?q=${encodeURIComponent(q)}&sort=${encodeURIComponent(sort)}`;
    if (parts[0] === 'search' || parts.length === 0) {
      // results update in place: no history entry per keystroke, and the caret stays where it is
      history.replaceState(null, '', hash);
      updateSearch(main, new URLSearchParams(hash.split('?')[1]));
    } else {
      location.hash = hash;
    }
  }, 150);
});
document.getElementById('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(typing);
  location.hash = `#/search?q=${encodeURIComponent(input.value)}&sort=relevance`;
});
document.getElementById('index-url').textContent = `sparse+${location.origin}/index/`;

window.addEventListener('hashchange', () => { render(); main.focus({preventScroll: true}); window.scrollTo(0, 0); });
if (location.pathname === '/me' && !location.hash) history.replaceState(null, '', '/#/me');
render();
refreshNav();
