import {h, mount, notice, date, copyButton} from './dom.js';
import {api, token} from './api.js';
import {refreshNav} from './app.js';

const SCOPES = [
  ['publish-new', 'publish new crates'], ['publish-update', 'publish new versions'], ['yank', 'yank and unyank'],
  ['change-owners', 'change owners'], ['read', 'read only (private registries)'], ['admin', 'administration'],
];

/** What cargo's login_url opens: sign in with a token, see who you are, manage your tokens. */
export async function renderMe(main) {
  document.title = 'Me · Cargo registry';
  if (!token.get()) {
    mount(main, signIn(main));
    main.querySelector('#token-input')?.focus();
    return;
  }
  let me;
  try {
    me = await api.me();
  } catch (e) {
    mount(main, h('h1', {}, 'Sign in'), notice('error', `The token was not accepted: ${e.message}`), signIn(main, false));
    return;
  }
  const u = me.user;
  const list = h('div', {id: 'token-list', 'aria-live': 'polite'});
  const created = h('div', {id: 'token-created', 'aria-live': 'polite'});
  mount(main,
    h('div', {class: 'me-head'},
      h('h1', {}, u.name ? `${u.name} ` : '', h('span', {class: 'login'}, `@${u.login}`)),
      u.is_admin ? h('span', {class: 'badge'}, 'administrator') : null,
      h('button', {type: 'button', class: 'secondary', onclick: () => { token.clear(); refreshNav(); renderMe(main); }}, 'Sign out')),
    ownedCrates(me),
    h('section', {'aria-labelledby': 'new-token-title'},
      h('h2', {id: 'new-token-title'}, 'Create a token'),
      tokenForm(list, created),
      created),
    h('section', {'aria-labelledby': 'tokens-title'},
      h('h2', {id: 'tokens-title'}, 'Your tokens'),
      list));
  await loadTokens(list);
}

function signIn(main, withTitle = true) {
  const input = h('input', {id: 'token-input', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true,
    'aria-describedby': 'token-help'});
  const form = h('form', {class: 'card', id: 'sign-in'},
    h('label', {for: 'token-input'}, 'API token'),
    h('div', {class: 'row'}, input, h('button', {type: 'submit'}, 'Sign in')),
    h('p', {id: 'token-help', class: 'small'},
      'The token is kept only in this browser tab (session storage) and sent only to this registry. Closing the tab forgets it.'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    token.set(input.value);
    refreshNav();
    renderMe(main);
  });
  return h('div', {},
    withTitle ? h('h1', {}, 'Sign in') : null,
    h('p', {}, 'Sign in with an API token of this registry to see your crates and manage your tokens.'),
    form,
    h('section', {class: 'help'},
      h('h2', {}, 'No token yet?'),
      h('ul', {},
        h('li', {}, 'This registry has no sign-up: an administrator creates your user and hands you its first token ',
          '(', h('code', {}, 'infra/admin/registry-admin create-user <login> "<Your Name>"'), ').'),
        h('li', {}, 'Signed in here with that token, create one token per use below: one for your laptop, a scoped one per CI job.'),
        h('li', {}, 'Then give it to cargo once: ', h('code', {}, 'cargo login --registry mycorp'), ' and paste it.'))));
}

function ownedCrates(me) {
  const owned = me.owned_crates ?? [];
  return h('section', {'aria-labelledby': 'owned-title'},
    h('h2', {id: 'owned-title'}, 'Your crates'),
    owned.length
      ? h('ul', {class: 'owned'}, owned.map((c) => h('li', {}, h('a', {href: `#/crates/${encodeURIComponent(c.name)}`}, c.name))))
      : h('p', {class: 'muted'}, 'The registry does not list the crates you own yet; each crate page shows its owners.'));
}

function tokenForm(list, created) {
  const name = h('input', {id: 'token-name', required: true, maxlength: 128, placeholder: 'e.g. laptop, ci-release'});
  const checks = SCOPES.map(([v, label]) => h('label', {class: 'check'},
    h('input', {type: 'checkbox', name: 'scope', value: v}), ' ', h('code', {}, v), ' ', h('span', {class: 'muted'}, label)));
  const crates = h('input', {id: 'token-crates', placeholder: 'e.g. mycorp-*, mycorp-core', 'aria-describedby': 'crates-help'});
  const expiry = h('input', {id: 'token-expiry', type: 'date', 'aria-describedby': 'expiry-help'});
  const error = h('div', {'aria-live': 'assertive'});
  const form = h('form', {class: 'card', id: 'new-token'},
    h('label', {for: 'token-name'}, 'Name'), name,
    h('fieldset', {}, h('legend', {}, 'What it may do (none ticked: everything you may do)'), checks),
    h('label', {for: 'token-crates'}, 'Only these crates (optional)'), crates,
    h('p', {id: 'crates-help', class: 'small'}, 'Names or prefix* patterns, separated by commas or spaces.'),
    h('label', {for: 'token-expiry'}, 'Expires (optional)'), expiry,
    h('p', {id: 'expiry-help', class: 'small'}, 'At the start of that day, UTC. Without a date the token lasts until revoked.'),
    h('button', {type: 'submit'}, 'Create token'),
    error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(error);
    const scopes = [...form.querySelectorAll('input[name=scope]:checked')].map((c) => c.value);
    const patterns = crates.value.split(/[\s,]+/).filter(Boolean);
    const body = {name: name.value,
      endpoint_scopes: scopes.length ? scopes : null,
      crate_scopes: patterns.length ? patterns : null,
      expired_at: expiry.value ? `${expiry.value}T00:00:00Z` : null};
    try {
      const {api_token: t} = await api.createToken(body);
      form.reset();
      mount(created, notice('success',
        h('p', {}, h('strong', {}, `Token “${t.name}” created. Copy it now: it is not shown again.`)),
        h('div', {class: 'cmd secret'}, h('code', {id: 'new-secret'}, t.token), copyButton(t.token)),
        h('p', {class: 'small'}, 'Give it to cargo with ', h('code', {}, 'cargo login --registry mycorp'), ' (it reads the token from the prompt), or to CI as ',
          h('code', {}, 'CARGO_REGISTRIES_MYCORP_TOKEN'), '.')));
      await loadTokens(list);
    } catch (err) {
      mount(error, notice('error', err.message));
    }
  });
  return form;
}

async function loadTokens(list) {
  let data;
  try {
    data = await api.tokens();
  } catch (e) {
    mount(list, notice('error', e.message));
    return;
  }
  const tokens = data.api_tokens ?? [];
  if (!tokens.length) {
    mount(list, h('p', {class: 'muted'}, 'No tokens listed. (A bootstrap admin token is not listed and cannot be revoked here.)'));
    return;
  }
  mount(list, h('div', {class: 'table-wrap'}, h('table', {class: 'tokens'},
    h('thead', {}, h('tr', {}, ['Name', 'Scopes', 'Crates', 'Created', 'Last used', 'Expires', ''].map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, tokens.map((t) => h('tr', {dataset: {tokenId: String(t.id)}},
      h('td', {}, t.name),
      h('td', {}, t.endpoint_scopes ? t.endpoint_scopes.join(', ') : h('span', {class: 'muted'}, 'all')),
      h('td', {}, t.crate_scopes ? t.crate_scopes.join(', ') : h('span', {class: 'muted'}, 'all')),
      h('td', {}, date(t.created_at)),
      h('td', {}, t.last_used_at ? date(t.last_used_at) : h('span', {class: 'muted'}, 'never')),
      h('td', {}, t.expired_at ? date(t.expired_at) : h('span', {class: 'muted'}, 'never')),
      h('td', {}, h('button', {type: 'button', class: 'danger', 'aria-label': `Revoke ${t.name}`,
        onclick: () => revoke(list, t)}, 'Revoke'))))))));
}

async function revoke(list, t) {
  if (!confirm(`Revoke the token “${t.name}”? Anything using it (cargo, CI) is refused from now on.`)) return;
  try {
    await api.revokeToken(t.id);
  } catch (e) {
    list.prepend(notice('error', e.message));
    return;
  }
  await loadTokens(list);
}
