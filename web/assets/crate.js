import {h, mount, notice, date, bytes, count, copyButton, setSanitizedHtml} from './dom.js';
import {api} from './api.js';
import {signInHint} from './app.js';

const CRATES_IO = ['https://github.com/rust-lang/crates.io-index', 'sparse+https://index.crates.io/'];
const KINDS = [['normal', 'Normal'], ['build', 'Build dependencies'], ['dev', 'Dev dependencies']];
const REGISTRY_NAME_KEY = 'cargoreg.registryName';

/**
 * A crate: the crate JSON is the one API call (Lambda); dependencies come from the sparse index file and the README
 * from its rendered HTML, both static files behind the CDN (a version's first view renders it through the API). Owners load only when asked for.
 */
export async function renderCrate(main, name, wanted) {
  document.title = `${name} · Cargo registry`;
  mount(main, h('p', {class: 'loading', role: 'status'}, `Loading ${name}…`));
  let data;
  try {
    data = await api.crate(name);
  } catch (e) {
    mount(main, h('h1', {}, name), notice('error', e.message), signInHint(e));
    return;
  }
  const crate = data.crate;
  const versions = data.versions ?? [];
  const v = wanted
    ? versions.find((x) => x.num === wanted)
    : versions.find((x) => x.num === (crate.max_version ?? crate.default_version)) ?? versions.find((x) => !x.yanked) ?? versions[0];
  if (!v) {
    mount(main, h('h1', {}, crate.name), notice('error', `${crate.name} has no version ${wanted ?? ''}`),
      h('p', {}, h('a', {href: `#/crates/${encodeURIComponent(crate.name)}`}, 'All versions')));
    return;
  }
  document.title = `${crate.name} ${v.num} · Cargo registry`;
  const readme = h('article', {class: 'readme', 'aria-label': 'README'}, h('p', {class: 'loading'}, 'Loading the README…'));
  const deps = h('section', {class: 'deps', 'aria-labelledby': 'deps-title'}, h('h2', {id: 'deps-title'}, 'Dependencies'),
    h('p', {class: 'loading'}, 'Loading…'));

  mount(main,
    h('div', {class: 'crate-head'},
      h('h1', {}, crate.name, ' ', h('span', {class: 'version'}, v.num)),
      v.yanked ? h('span', {class: 'badge yanked'}, 'yanked') : null,
      v.description ?? crate.description ? h('p', {class: 'description'}, v.description ?? crate.description) : null,
      h('div', {class: 'meta'}, (crate.keywords ?? []).map((k) => h('a', {class: 'keyword', href: `#/search?q=${encodeURIComponent(k)}`}, k)))),
    v.yanked ? notice('warning', `Version ${v.num} is yanked: lockfiles that pin it still build, but cargo picks it for no new resolution.`) : null,
    h('div', {class: 'crate-body'},
      h('div', {class: 'crate-main'},
        readme,
        deps,
        features(v),
        versionTable(crate.name, versions, v)),
      sidebar(crate, v)));

  loadReadme(readme, crate.name, v.num, v.checksum);
  loadDeps(deps, crate.name, v.num);
}

async function loadReadme(el, name, version, checksum) {
  try {
    const html = await api.readme(name, version, checksum);
    if (html === null) mount(el, h('p', {class: 'muted'}, `${name} ${version} was published without a README.`));
    else setSanitizedHtml(el, html);
  } catch (e) {
    mount(el, notice('error', e.message));
  }
}

async function loadDeps(el, name, version) {
  let line;
  try {
    line = (await api.indexEntries(name)).find((l) => l.vers === version);
  } catch (e) {
    mount(el, h('h2', {id: 'deps-title'}, 'Dependencies'), notice('error', e.message));
    return;
  }
  const all = line?.deps ?? [];
  const parts = [h('h2', {id: 'deps-title'}, 'Dependencies')];
  if (!all.length) parts.push(h('p', {class: 'muted'}, 'None.'));
  for (const [kind, title] of KINDS) {
    const some = all.filter((d) => (d.kind ?? 'normal') === kind);
    if (!some.length) continue;
    parts.push(h('h3', {}, `${title} (${some.length})`),
      h('ul', {class: `dep-list dep-${kind}`}, some.sort((a, b) => a.name.localeCompare(b.name)).map(depItem)));
  }
  mount(el, ...parts);
}

function depItem(d) {
  const real = d.package ?? d.name;
  let link;
  if (!d.registry) link = h('a', {href: `#/crates/${encodeURIComponent(real)}`}, real);
  else if (CRATES_IO.includes(d.registry)) link = h('a', {href: `https://crates.io/crates/${encodeURIComponent(real)}`, rel: 'noopener'}, real, ' ↗');
  else link = h('span', {title: `from ${d.registry}`}, real);
  return h('li', {},
    link, ' ', h('code', {class: 'req'}, d.req),
    d.package ? h('span', {class: 'tag'}, `as ${d.name}`) : null,
    d.optional ? h('span', {class: 'tag'}, 'optional') : null,
    d.target ? h('span', {class: 'tag', title: 'only for this target'}, d.target) : null,
    d.registry && !CRATES_IO.includes(d.registry) ? h('span', {class: 'tag'}, 'other registry') : null,
    d.registry && CRATES_IO.includes(d.registry) ? h('span', {class: 'tag'}, 'crates.io') : null);
}

function features(v) {
  const f = Object.entries(v.features ?? {});
  if (!f.length) return null;
  return h('section', {class: 'features', 'aria-labelledby': 'features-title'},
    h('h2', {id: 'features-title'}, 'Features'),
    h('dl', {}, f.map(([name, enables]) => [
      h('dt', {}, h('code', {}, name)),
      h('dd', {}, enables.length ? enables.map((x) => h('code', {}, x)) : h('span', {class: 'muted'}, 'enables nothing else'))])));
}

function versionTable(name, versions, current) {
  return h('section', {class: 'versions', 'aria-labelledby': 'versions-title'},
    h('h2', {id: 'versions-title'}, `Versions (${versions.length})`),
    // focusable, so a keyboard can scroll it sideways on a narrow screen
    h('div', {class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'versions-title'},
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Version'), h('th', {scope: 'col'}, 'Published'),
          h('th', {scope: 'col'}, 'Size'), h('th', {scope: 'col'}, 'SHA-256'))),
        h('tbody', {}, versions.map((x) => h('tr', {class: x.yanked ? 'is-yanked' : null, 'aria-current': x.num === current.num ? 'page' : null},
          h('td', {}, h('a', {href: `#/crates/${encodeURIComponent(name)}/${encodeURIComponent(x.num)}`}, x.num),
            x.yanked ? h('span', {class: 'badge yanked'}, 'yanked') : null),
          h('td', {}, h('span', {class: 'nowrap'}, date(x.created_at)), x.published_by ? h('span', {class: 'muted'}, ` by ${x.published_by.login}`) : null),
          h('td', {class: 'nowrap'}, bytes(x.crate_size)),
          // the first 12 digits to recognise it, the whole checksum in the title and the copy button
          h('td', {class: 'checksum'}, h('code', {title: x.checksum}, `${x.checksum.slice(0, 12)}…`), copyButton(x.checksum))))))));
}

function sidebar(crate, v) {
  const regName = localStorage.getItem(REGISTRY_NAME_KEY) ?? 'mycorp';
  const toml = h('code', {}, '');
  const add = h('code', {}, '');
  const regInput = h('input', {id: 'registry-name', value: regName, size: 12, spellcheck: 'false', autocomplete: 'off'});
  const tomlText = () => `${crate.name} = { version = "${v.num}", registry = "${regInput.value}" }`;
  const addText = () => `cargo add ${crate.name}@${v.num} --registry ${regInput.value}`;
  const tomlCopy = h('span', {});
  const addCopy = h('span', {});
  const refresh = () => {
    toml.textContent = tomlText();
    add.textContent = addText();
    mount(tomlCopy, copyButton(tomlText()));
    mount(addCopy, copyButton(addText()));
  };
  regInput.addEventListener('input', () => {
    localStorage.setItem(REGISTRY_NAME_KEY, regInput.value);
    refresh();
  });
  refresh();
  const links = [['Homepage', v.homepage ?? crate.homepage], ['Repository', v.repository ?? crate.repository],
    ['Documentation', v.documentation ?? crate.documentation]].filter(([, url]) => /^https?:\/\//i.test(url ?? ''));
  const owners = h('details', {class: 'owners'}, h('summary', {}, 'Owners'), h('p', {class: 'muted'}, 'Loading…'));
  owners.addEventListener('toggle', async () => {
    if (!owners.open || owners.dataset.loaded) return;
    owners.dataset.loaded = '1';
    try {
      const {users} = await api.owners(crate.name);
      mount(owners, h('summary', {}, 'Owners'), h('ul', {}, users.map((u) => h('li', {}, u.login, u.name ? h('span', {class: 'muted'}, ` (${u.name})`) : null))));
    } catch (e) {
      mount(owners, h('summary', {}, 'Owners'), notice('error', e.message));
    }
  });
  return h('aside', {class: 'crate-side', 'aria-label': 'About this crate'},
    h('h2', {}, 'Install'),
    h('label', {for: 'registry-name', class: 'small'}, 'Your name for this registry: '), regInput,
    h('p', {class: 'small'}, 'Run in your project:'),
    h('div', {class: 'cmd'}, add, addCopy),
    h('p', {class: 'small'}, 'Or add to Cargo.toml:'),
    h('div', {class: 'cmd'}, toml, tomlCopy),
    h('h2', {}, 'Metadata'),
    h('dl', {class: 'facts'},
      h('dt', {}, 'Published'), h('dd', {}, date(v.created_at)),
      h('dt', {}, 'Downloads'), h('dd', {class: 'downloads'}, count(crate.downloads)),
      h('dt', {}, 'Recent downloads'), h('dd', {class: 'recent-downloads', title: 'the last 90 days'}, count(crate.recent_downloads)),
      h('dt', {}, `Downloads of ${v.num}`), h('dd', {class: 'version-downloads'}, count(v.downloads)),
      v.license ? [h('dt', {}, 'License'), h('dd', {}, v.license)] : null,
      v.rust_version ? [h('dt', {}, 'Rust version'), h('dd', {}, v.rust_version)] : null,
      h('dt', {}, 'Size'), h('dd', {}, bytes(v.crate_size)),
      h('dt', {}, 'SHA-256'), h('dd', {class: 'checksum'}, h('code', {}, v.checksum)),
      h('dt', {}, 'Download'), h('dd', {}, h('a', {href: `/crates/${encodeURIComponent(crate.name)}/${encodeURIComponent(crate.name)}-${encodeURIComponent(v.num)}.crate`}, `${crate.name}-${v.num}.crate`))),
    links.length ? [h('h2', {}, 'Links'), h('ul', {class: 'links'}, links.map(([label, url]) => h('li', {}, h('a', {href: url, rel: 'noopener nofollow'}, label))))] : null,
    owners);
}
