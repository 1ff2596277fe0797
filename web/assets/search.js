import {h, mount, notice, date, count} from './dom.js';
import {api} from './api.js';
import {signInHint} from './app.js';

const SORTS = [['relevance', 'Relevance'], ['recent-updates', 'Recently updated'], ['new', 'Newest'], ['alpha', 'Name'],
  ['downloads', 'All-time downloads'], ['recent-downloads', 'Recent downloads']];
let generation = 0;

/** Home and search: the box in the header searches as you type; here are the sort and the results. */
export async function renderSearch(main, params) {
  const q = params.get('q') ?? '';
  document.title = q ? `${q} · search · Cargo registry` : 'Cargo registry';
  const sort = h('select', {id: 'sort', name: 'sort'},
    SORTS.map(([v, label]) => h('option', {value: v}, label)));
  sort.value = params.get('sort') ?? (q ? 'relevance' : 'recent-updates');
  sort.addEventListener('change', () => {
    const p = new URLSearchParams({q: document.getElementById('q').value, sort: sort.value});
    history.replaceState(null, '', `#/search?${p}`);
    updateSearch(main, p);
  });
  mount(main,
    q ? null : intro(),
    h('div', {class: 'results-head'},
      h('h1', {id: 'results-title'}, q ? `Crates matching “${q}”` : 'Crates'),
      h('label', {class: 'sort'}, 'Sort by ', sort)),
    h('div', {id: 'results', 'aria-live': 'polite', 'aria-busy': 'true'}));
  await updateSearch(main, new URLSearchParams({q, sort: sort.value}));
}

function intro() {
  const index = `sparse+${location.origin}/index/`;
  return h('section', {class: 'intro'},
    h('p', {}, 'Crates published to this registry with plain ', h('code', {}, 'cargo publish'),
      '. Point cargo at it in ', h('code', {}, '.cargo/config.toml'), ':'),
    h('pre', {class: 'snippet'}, h('code', {}, `[registries.mycorp]\nindex = "${index}"\ncredential-provider = "cargo:token"`)),
    h('p', {}, 'Then ', h('a', {href: '#/me'}, 'get a token'), ' and run ', h('code', {}, 'cargo login --registry mycorp'), '.'));
}

/** Fetches and shows one page of results; a slower answer to an older query never replaces a newer one. */
export async function updateSearch(main, params, page = 1) {
  const results = main.querySelector('#results');
  if (!results) return;
  const q = params.get('q') ?? '';
  const sort = params.get('sort') ?? 'relevance';
  // the getting-started note is for the start page; typing a query makes room for the results
  const intro = main.querySelector('.intro');
  if (intro) intro.hidden = q !== '';
  const title = main.querySelector('#results-title');
  if (title) title.textContent = q ? `Crates matching “${q}”` : 'Crates';
  const mine = ++generation;
  results.setAttribute('aria-busy', 'true');
  let data;
  try {
    data = await api.search({q, sort, page});
  } catch (e) {
    if (mine === generation) mount(results, notice('error', e.message), signInHint(e));
    return;
  }
  if (mine !== generation) return;
  results.setAttribute('aria-busy', 'false');
  const items = data.crates ?? [];
  const list = page === 1 ? h('ol', {class: 'crate-list'}) : results.querySelector('ol');
  for (const c of items) list.append(row(c));
  const total = data.meta?.total ?? items.length;
  const more = data.meta?.next_page
    ? h('button', {type: 'button', class: 'more', onclick: () => updateSearch(main, params, page + 1)}, 'More results')
    : null;
  if (page === 1) {
    mount(results,
      h('p', {class: 'count'}, total === 1 ? '1 crate' : `${total} crates`),
      items.length ? list : h('p', {}, q ? 'No crate matches. Try fewer letters, or another word.' : 'Nothing published yet.'),
      more);
  } else {
    results.querySelector('button.more')?.remove();
    if (more) results.append(more);
  }
}

function row(c) {
  const version = c.max_version ?? c.newest_version ?? c.default_version;
  return h('li', {class: 'crate'},
    h('div', {class: 'crate-title'},
      h('a', {href: `#/crates/${encodeURIComponent(c.name)}`, class: 'crate-name'}, c.name),
      version ? h('span', {class: 'version'}, `v${version}`) : null,
      c.yanked ? h('span', {class: 'badge yanked'}, 'yanked') : null),
    c.description ? h('p', {class: 'description'}, c.description) : null,
    h('div', {class: 'meta'},
      (c.keywords ?? []).map((k) => h('span', {class: 'keyword'}, k)),
      // recent: the last 90 days as of the crate's last counted download (docs/downloads.md)
      h('span', {class: 'downloads', title: 'all-time downloads'}, `${count(c.downloads)} ${c.downloads === 1 ? 'download' : 'downloads'}`),
      h('span', {class: 'recent-downloads', title: 'downloads in the last 90 days'}, `${count(c.recent_downloads)} recent`),
      h('span', {class: 'updated'}, 'updated ', date(c.updated_at))));
}
