import {h, mount, notice, copyButton} from './dom.js';
import {api, token} from './api.js';

/** Administrators: create users; remove a version or a whole crate (after saying what that breaks). */
export async function renderAdmin(main) {
  document.title = 'Administration · Cargo registry';
  if (!token.get()) {
    mount(main, h('h1', {}, 'Administration'), h('p', {}, h('a', {href: '#/me'}, 'Sign in'), ' with an administrator’s token first.'));
    return;
  }
  mount(main, h('h1', {}, 'Administration'),
    h('section', {'aria-labelledby': 'users-title'}, h('h2', {id: 'users-title'}, 'Create a user'), userForm()),
    h('section', {'aria-labelledby': 'remove-title'}, h('h2', {id: 'remove-title'}, 'Remove a crate or a version'), removeForm()));
}

function userForm() {
  const login = h('input', {id: 'user-login', required: true, autocomplete: 'off', spellcheck: 'false'});
  const name = h('input', {id: 'user-name', autocomplete: 'off'});
  const admin = h('input', {id: 'user-admin', type: 'checkbox'});
  const out = h('div', {'aria-live': 'polite'});
  const form = h('form', {class: 'card', id: 'create-user'},
    h('label', {for: 'user-login'}, 'Login'), login,
    h('label', {for: 'user-name'}, 'Name (optional)'), name,
    h('label', {class: 'check'}, admin, ' administrator'),
    h('button', {type: 'submit'}, 'Create user'), out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await api.createUser({login: login.value.trim(), name: name.value.trim() || null, admin: admin.checked});
      form.reset();
      mount(out, notice('success',
        h('p', {}, h('strong', {}, `User ${r.user.login} created. Hand them this first token now: it is not shown again.`)),
        h('div', {class: 'cmd secret'}, h('code', {}, r.api_token.token), copyButton(r.api_token.token)),
        h('p', {class: 'small'}, 'They sign in with it on the Me page and create their own tokens there.')));
    } catch (err) {
      mount(out, notice('error', err.message));
    }
  });
  return form;
}

function removeForm() {
  const crate = h('input', {id: 'remove-crate', required: true, autocomplete: 'off', spellcheck: 'false'});
  const version = h('input', {id: 'remove-version', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'remove-help'});
  const out = h('div', {'aria-live': 'polite'});
  const form = h('form', {class: 'card', id: 'remove'},
    h('label', {for: 'remove-crate'}, 'Crate'), crate,
    h('label', {for: 'remove-version'}, 'Version (leave empty to remove the whole crate)'), version,
    h('p', {id: 'remove-help', class: 'small'},
      'Removal is for leaked secrets and licence problems. To stop new use of a version, yank it instead (',
      h('code', {}, 'cargo yank'), '): yanked versions keep building for lockfiles that pin them.'),
    h('button', {type: 'submit', class: 'danger'}, 'Remove…'), out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const c = crate.value.trim();
    const v = version.value.trim();
    const what = v ? `version ${v} of ${c}` : `the crate ${c} and every version of it`;
    if (!confirm(`Remove ${what}?\n\nThis deletes the index entry and the .crate file. Every lockfile and build that pins `
      + `${v ? 'this version' : 'any of its versions'} breaks, and it cannot be undone.`)) return;
    try {
      if (v) await api.removeVersion(c, v);
      else await api.removeCrate(c);
      form.reset();
      mount(out, notice('success', `Removed ${what}.`));
    } catch (err) {
      mount(out, notice('error', err.message));
    }
  });
  return form;
}
