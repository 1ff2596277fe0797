// The web UI in headless chromium against the local runner, with crates published by real cargo.
// Run: (cd web && npm ci && npm test), after `mvn -DskipTests package`. Screenshots land in target/web-screenshots/.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {SHOTS, cargoFor, launchChromium, manifest, missing, startRunner} from './support.mjs';

const why = missing();
const CORE_README = `# demo-core

The core of the demo. See the [guide](docs/guide.md) and the ![logo](img/logo.png).

| feature | what |
|---------|------|
| fast    | goes fast |

\`\`\`rust
let x = demo_core::answer();
\`\`\`
`;
const XSS_README = `# innocent

<script>window.__xss = 'script'</script>
<img src="x" onerror="window.__xss = 'onerror'">
<a id="js" href="javascript:window.__xss = 'javascript-link'">click me</a>
[md link](javascript:alert(1))
<svg onload="window.__xss = 'svg'"><circle r="5"/></svg>
<details open ontoggle="window.__xss = 'ontoggle'"><summary>more</summary>text</details>
<iframe src="javascript:window.top.__xss = 'iframe'"></iframe>
<form action="https://evil.example"><button>send</button></form>
<a href="https://example.com" onclick="window.__xss = 'onclick'">fine link</a>
`;

describe('web UI in chromium', {skip: why ?? false}, () => {
  let pub;
  let priv;
  let browser;

  before(async () => {
    mkdirSync(SHOTS, {recursive: true});
    [pub, priv, browser] = await Promise.all([startRunner(), startRunner({authRequired: true}), launchChromium()]);
    const cargo = cargoFor(pub);
    cargo.publish({'Cargo.toml': manifest('demo-core', '0.1.0'), 'README.md': CORE_README});
    cargo.publish({'Cargo.toml': manifest('demo-core', '0.2.0'), 'README.md': CORE_README});
    cargo.yank('demo-core', '0.1.0');
    cargo.publish({'Cargo.toml': manifest('demo-testkit', '0.1.0'), 'README.md': '# testkit\n'});
    cargo.publish({'Cargo.toml': manifest('demo-app', '1.0.0', `
[dependencies]
demo-core = { version = "0.2", registry = "local" }

[target.'cfg(unix)'.dependencies]
demo-testkit = { version = "0.1", registry = "local", optional = true }

[build-dependencies]
demo-core = { version = "0.2", registry = "local" }

[dev-dependencies]
demo-testkit = { version = "0.1", registry = "local" }

[features]
default = ["fast"]
fast = []
extra = ["dep:demo-testkit"]
`), 'README.md': '# demo-app\n\nAn application.\n'});
    cargo.publish({'Cargo.toml': manifest('xss-readme', '0.1.0', '', ['security']), 'README.md': XSS_README});
    // tarballs fetched through the CDN, as cargo fetches them (the crate page's Download link): counted from its log
    for (const [name, version] of [['demo-core', '0.2.0'], ['demo-core', '0.2.0'], ['demo-testkit', '0.1.0']]) {
      const r = await fetch(`${pub.base}/crates/${name}/${name}-${version}.crate`);
      assert.equal(r.status, 200);
      await r.arrayBuffer();
    }
    const pcargo = cargoFor(priv, {privateRegistry: true});
    pcargo.publish({'Cargo.toml': manifest('secret-lib', '0.1.0'), 'README.md': '# secret-lib\n\nInternal only.\n'});
    pcargo.publish({'Cargo.toml': manifest('secret-lib', '0.2.0'), 'README.md': '# secret-lib\n\nInternal only.\n'});
  });

  after(async () => {
    await Promise.all([browser?.close(), pub?.stop(), priv?.stop()]);
  });

  async function page(opts = {}) {
    const ctx = await browser.newContext({viewport: {width: 1280, height: 900}, ...opts});
    const p = await ctx.newPage();
    const errors = [];
    p.on('pageerror', (e) => errors.push(e.message));
    p.errors = errors;
    return p;
  }

  async function shot(p, name) {
    await p.screenshot({path: join(SHOTS, `${name}.png`), fullPage: true});
  }

  /** Nothing wider than the window: no sideways scrolling on a phone or at 200 % zoom. */
  async function assertNoSidewaysScroll(p) {
    const [scroll, inner] = await p.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px window`);
  }

  test('search as you type finds a crate and sorts', async () => {
    const p = await page();
    await p.goto(`${pub.base}/`);
    await p.locator('.crate-name', {hasText: 'demo-app'}).waitFor();
    await shot(p, 'home');
    await p.locator('#q').fill('testk');
    await p.waitForFunction(() => document.querySelectorAll('.crate-name').length === 1);
    assert.equal(await p.locator('.crate-name').textContent(), 'demo-testkit');
    assert.match(p.url(), /#\/search\?q=testk/);
    await p.locator('#q').fill('demo');
    await p.locator('#sort').selectOption('alpha');
    await p.waitForFunction(() => document.querySelectorAll('.crate-name').length === 3);
    assert.deepEqual(await p.locator('.crate-name').allTextContents(), ['demo-app', 'demo-core', 'demo-testkit']);
    assert.match(await p.locator('.crate', {hasText: 'demo-core'}).textContent(), /v0\.2\.0.*The demo-core test crate/s);
    // the downloads fetched in before(), once counted (the runner counts its CDN log every second), sort the results
    await p.waitForFunction(async (base) => {
      const r = await (await fetch(`${base}/api/v1/crates?q=demo&sort=downloads`)).json();
      return r.crates[0]?.downloads === 2 && r.crates[1]?.downloads === 1;
    }, pub.base, {timeout: 30_000, polling: 250});
    await p.locator('#sort').selectOption('downloads');
    await p.waitForFunction(() => document.querySelector('.crate-name')?.textContent === 'demo-core');
    assert.deepEqual(await p.locator('.crate-name').allTextContents(), ['demo-core', 'demo-testkit', 'demo-app']);
    assert.match(await p.locator('.crate', {hasText: 'demo-core'}).locator('.meta').textContent(), /2 downloads\s*2 recent/);
    assert.match(await p.locator('.crate', {hasText: 'demo-app'}).locator('.meta').textContent(), /0 downloads\s*0 recent/);
    assert.match(p.url(), /sort=downloads/);
    await p.locator('#sort').selectOption('recent-downloads');
    await p.waitForFunction(() => /sort=recent-downloads/.test(location.hash));
    assert.equal(await p.locator('.crate-name').first().textContent(), 'demo-core');
    await shot(p, 'search');
    assert.deepEqual(p.errors, []);
  });

  test('a crate page: rendered README, versions with the yanked one marked, size and checksum, install lines', async () => {
    const p = await page();
    await p.goto(`${pub.base}/#/crates/demo-core`);
    const readme = p.locator('article.readme');
    await readme.locator('table').waitFor();
    assert.equal(await readme.locator('h1').textContent(), 'demo-core');
    assert.equal(await readme.locator('code.language-rust').count(), 1);
    assert.equal(await readme.locator('a[href="https://github.com/example/demo-core/blob/HEAD/docs/guide.md"]').count(), 1);
    assert.equal(await readme.locator('img[src="https://raw.githubusercontent.com/example/demo-core/HEAD/img/logo.png"]').count(), 1);
    const rows = p.locator('section.versions tbody tr');
    assert.equal(await rows.count(), 2);
    assert.match(await rows.nth(0).textContent(), /^0\.2\.0/);
    assert.match(await rows.nth(1).textContent(), /0\.1\.0\s*yanked/);
    assert.equal(await rows.nth(0).locator('.badge.yanked').count(), 0);
    const api = await (await p.request.get(`${pub.base}/api/v1/crates/demo-core/0.2.0`)).json();
    assert.equal(await rows.nth(0).locator('td.checksum code').getAttribute('title'), api.version.checksum);
    assert.equal(await p.locator('aside dd.checksum code').textContent(), api.version.checksum);
    // counted in before() and awaited by the search test (which runs first)
    assert.equal(await p.locator('aside dd.downloads').textContent(), '2');
    assert.equal(await p.locator('aside dd.recent-downloads').textContent(), '2');
    assert.equal(await p.locator('aside dd.version-downloads').textContent(), '2');
    assert.match(await rows.nth(0).textContent(), /\d+(\.\d)? (B|KiB)/);
    assert.equal(await p.locator('.cmd code').first().textContent(), 'cargo add demo-core@0.2.0 --registry mycorp');
    await p.locator('#registry-name').fill('acme');
    assert.equal(await p.locator('.cmd code').nth(1).textContent(), 'demo-core = { version = "0.2.0", registry = "acme" }');
    assert.equal(await p.locator('aside a', {hasText: 'Repository'}).getAttribute('href'), 'https://github.com/example/demo-core');
    await p.locator('details.owners summary').click();
    await p.locator('details.owners li', {hasText: 'admin'}).waitFor();
    await shot(p, 'crate');

    await p.goto(`${pub.base}/#/crates/demo-core/0.1.0`);
    await p.locator('.notice.warning', {hasText: 'yanked'}).waitFor();
    await shot(p, 'crate-yanked-version');
    assert.deepEqual(p.errors, []);
  });

  test('dependencies by kind, optional and per target, linked inside the registry; features', async () => {
    const p = await page();
    await p.goto(`${pub.base}/#/crates/demo-app`);
    await p.locator('.dep-normal').waitFor();
    assert.equal(await p.locator('.dep-normal a[href="#/crates/demo-core"]').count(), 1);
    assert.match(await p.locator('.dep-normal').textContent(), /demo-core\s*\^0\.2/);
    assert.match(await p.locator('.dep-normal').textContent(), /demo-testkit\s*\^0\.1\s*optional\s*cfg\(unix\)/);
    assert.match(await p.locator('.dep-build').textContent(), /demo-core/);
    assert.match(await p.locator('.dep-dev').textContent(), /demo-testkit/);
    const features = await p.locator('section.features dt').allTextContents();
    assert.deepEqual(features.sort(), ['default', 'extra', 'fast']);
    await shot(p, 'crate-dependencies');
    await p.locator('.dep-normal a[href="#/crates/demo-core"]').click();
    await p.locator('.crate-head h1', {hasText: 'demo-core'}).waitFor();
    assert.deepEqual(p.errors, []);
  });

  test('a README is rendered through the API on its first view, then read through the CDN; a copy of other bytes is passed over', async () => {
    const url = `${pub.base}/crates/demo-testkit/demo-testkit-0.1.0.readme.html`;
    const {version} = await (await fetch(`${pub.base}/api/v1/crates/demo-testkit/0.1.0`)).json();
    assert.equal((await fetch(url)).status, 404, 'publish renders no README');
    const p = await page();
    const seen = [];
    p.on('request', (r) => { if (/readme/.test(r.url())) seen.push(new URL(r.url()).pathname); });
    await p.goto(`${pub.base}/#/crates/demo-testkit`);
    await p.locator('article.readme h1', {hasText: 'testkit'}).waitFor();
    assert.deepEqual(seen, ['/crates/demo-testkit/demo-testkit-0.1.0.readme.html', '/api/v1/crates/demo-testkit/0.1.0/readme']);
    const kept = await fetch(url);
    assert.equal(kept.status, 200, 'the first view kept the rendered copy');
    assert.equal(kept.headers.get('x-amz-meta-sha256'), version.checksum);
    assert.match(await kept.text(), /<h1>testkit<\/h1>/);
    // the next view reads the kept copy through the CDN, no Lambda
    const again = await page();
    const seenAgain = [];
    again.on('request', (r) => { if (/readme/.test(r.url())) seenAgain.push(new URL(r.url()).pathname); });
    await again.goto(`${pub.base}/#/crates/demo-testkit`);
    await again.locator('article.readme h1', {hasText: 'testkit'}).waitFor();
    assert.deepEqual(seenAgain, ['/crates/demo-testkit/demo-testkit-0.1.0.readme.html']);

    // the CDN now answers a copy rendered from other bytes (a version removed and published again): not shown
    const q = await page();
    await q.route('**/crates/demo-testkit/demo-testkit-0.1.0.readme.html', (route) => route.fulfill({
      status: 200, contentType: 'text/html; charset=utf-8', headers: {'x-amz-meta-sha256': '0'.repeat(64)},
      body: '<h1>stale</h1>'}));
    await q.goto(`${pub.base}/#/crates/demo-testkit`);
    await q.locator('article.readme h1', {hasText: 'testkit'}).waitFor();
    assert.equal(await q.locator('article.readme').getByText('stale').count(), 0);

    // an unmarked copy (rendered before copies were marked, cached for a year) is asked for again past the browser's
    // cache; here the CDN no longer has it (the version was removed and published again): the API renders it
    const r = await page();
    const asked = [];
    await r.route('**/crates/demo-testkit/demo-testkit-0.1.0.readme.html', (route) => {
      asked.push(route.request().url());
      return asked.length === 1
        ? route.fulfill({status: 200, contentType: 'text/html; charset=utf-8',
          headers: {'cache-control': 'public, max-age=31536000, immutable'}, body: '<h1>unmarked</h1>'})
        : route.fulfill({status: 404, body: ''});
    });
    await r.goto(`${pub.base}/#/crates/demo-testkit`);
    await r.locator('article.readme h1', {hasText: 'testkit'}).waitFor();
    assert.equal(await r.locator('article.readme').getByText('unmarked').count(), 0);
    assert.equal(asked.length, 2);
    assert.deepEqual([...p.errors, ...again.errors, ...q.errors, ...r.errors], []);
  });

  test('a stored-XSS README renders inert', async () => {
    const p = await page();
    const dialogs = [];
    p.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    await p.goto(`${pub.base}/#/crates/xss-readme`);
    const readme = p.locator('article.readme');
    await readme.locator('h1', {hasText: 'innocent'}).waitFor();
    assert.equal(await readme.locator('script, svg, iframe, form, [onerror], [onload], [onclick], [ontoggle]').count(), 0);
    assert.equal(await readme.locator('a[href^="javascript:" i]').count(), 0);
    await readme.getByText('click me').click();
    await readme.getByText('md link').click();
    await readme.locator('summary').click();
    await p.waitForTimeout(300);
    assert.equal(await p.evaluate(() => window.__xss), undefined);
    assert.deepEqual(dialogs, []);
    // the readme endpoint answers the same sanitized HTML, with a policy that forbids script if opened directly
    const r = await p.request.get(`${pub.base}/api/v1/crates/xss-readme/0.1.0/readme`);
    assert.match(r.headers()['content-security-policy'], /default-src 'none'/);
    assert.doesNotMatch(await r.text(), /<script|<svg|<iframe|\son[a-z]+=|href="javascript:/i);
    await shot(p, 'crate-xss');
  });

  test('keyboard only: skip link, search, open a result', async () => {
    const p = await page();
    await p.goto(`${pub.base}/`);
    await p.locator('.crate-name').first().waitFor();
    await p.keyboard.press('Tab');
    assert.equal(await p.evaluate(() => document.activeElement.className), 'skip');
    await p.keyboard.press('Tab');
    await p.keyboard.press('Tab');
    assert.equal(await p.evaluate(() => document.activeElement.id), 'q');
    await p.keyboard.type('demo-app');
    await p.waitForFunction(() => document.querySelectorAll('.crate-name').length === 1);
    // through the nav links and the sort select to the first result
    for (let i = 0; i < 10 && await p.evaluate(() => !document.activeElement.classList.contains('crate-name')); i++) {
      await p.keyboard.press('Tab');
    }
    await p.keyboard.press('Enter');
    await p.locator('.crate-head h1', {hasText: 'demo-app'}).waitFor();
  });

  test('phone width and 200 % zoom: one column, nothing wider than the window', async () => {
    const phone = await page({viewport: {width: 360, height: 740}, deviceScaleFactor: 2, isMobile: true, hasTouch: true});
    await phone.goto(`${pub.base}/#/crates/demo-core`);
    await phone.locator('article.readme table').waitFor();
    await assertNoSidewaysScroll(phone);
    await shot(phone, 'phone-crate');
    await phone.goto(`${pub.base}/`);
    await phone.locator('.crate-name').first().waitFor();
    await assertNoSidewaysScroll(phone);
    await shot(phone, 'phone-home');
    // 200 % zoom of a 1280px window lays out as a 640px one
    const zoomed = await page({viewport: {width: 640, height: 450}, deviceScaleFactor: 2});
    await zoomed.goto(`${pub.base}/#/crates/demo-app`);
    await zoomed.locator('.dep-normal').waitFor();
    await assertNoSidewaysScroll(zoomed);
    await shot(zoomed, 'zoom200-crate');
  });

  test('private registry: cargo\'s login_url signs in, then tokens are created once, listed and revoked', async () => {
    const p = await page();
    // what `cargo login` points at on a private registry
    const res = await p.goto(`${priv.base}/me`);
    assert.equal(res.headers()['cache-control'], 'no-cache');
    await p.locator('#sign-in').waitFor();
    assert.match(await p.locator('main').textContent(), /No token yet\?.*administrator creates your user/s);
    await shot(p, 'me-sign-in');
    await p.locator('#token-input').fill(priv.token);
    await p.locator('#sign-in button').click();
    await p.locator('.login', {hasText: '@admin'}).waitFor();
    assert.equal(await p.evaluate(() => localStorage.length), 0, 'the token is never kept beyond the tab');
    assert.equal(await p.evaluate(() => sessionStorage.getItem('cargoreg.token')), priv.token);
    assert.ok(!p.url().includes(priv.token));

    await p.locator('#token-name').fill('ci-release');
    await p.locator('input[value="publish-update"]').check();
    await p.locator('input[value="yank"]').check();
    await p.locator('#token-crates').fill('secret-*');
    await p.locator('#token-expiry').fill(`${new Date().getUTCFullYear() + 1}-06-30`);
    await p.locator('#new-token button[type=submit]').click();
    const secret = await p.locator('#new-secret').textContent();
    assert.match(secret, /^cargoreg_[A-Za-z0-9]{43}$/);
    const row = p.locator('#token-list tr', {hasText: 'ci-release'});
    await row.waitFor();
    assert.match(await row.textContent(), /publish-update, yank.*secret-\*/);
    assert.doesNotMatch(await p.locator('#token-list').textContent(), /cargoreg_/, 'the list never shows a secret');
    await shot(p, 'me-tokens');
    // the new token works, for what its scopes allow
    const meWithNew = await p.request.get(`${priv.base}/api/v1/me`, {headers: {Authorization: secret}});
    assert.equal(meWithNew.status(), 200);

    p.once('dialog', (d) => d.accept());
    await row.locator('button.danger').click();
    await row.waitFor({state: 'detached'});
    const revoked = await p.request.get(`${priv.base}/api/v1/me`, {headers: {Authorization: secret}});
    assert.ok([401, 403].includes(revoked.status()), `revoked token answered ${revoked.status()}`);

    // signed in, the private registry's crate pages load (index and README through the CDN with the token)
    await p.goto(`${priv.base}/#/crates/secret-lib`);
    await p.locator('article.readme', {hasText: 'Internal only.'}).waitFor();
    await p.locator('.dep-list, section.deps p.muted').first().waitFor();
    assert.deepEqual(p.errors, []);
  });

  test('private registry without a token: reads say where to sign in', async () => {
    const p = await page();
    await p.goto(`${priv.base}/`);
    await p.locator('#results a[href="#/me"]', {hasText: 'Sign in'}).waitFor();
  });

  test('administrator: create a user, remove a version after confirming what it breaks', async () => {
    const p = await page();
    await p.goto(`${priv.base}/#/me`);
    await p.locator('#token-input').fill(priv.token);
    await p.locator('#sign-in button').click();
    await p.locator('#nav-admin:not([hidden])').click();
    await p.locator('#user-login').fill('bob');
    await p.locator('#user-name').fill('Bob Builder');
    await p.locator('#create-user button[type=submit]').click();
    await p.locator('#create-user .notice.success', {hasText: 'User bob created'}).waitFor();
    const bobToken = await p.locator('#create-user .secret code').textContent();
    const bob = await (await p.request.get(`${priv.base}/api/v1/me`, {headers: {Authorization: bobToken}})).json();
    assert.equal(bob.user.login, 'bob');

    await p.locator('#remove-crate').fill('secret-lib');
    await p.locator('#remove-version').fill('0.1.0');
    let question = '';
    p.once('dialog', (d) => { question = d.message(); d.accept(); });
    await p.locator('#remove button[type=submit]').click();
    await p.locator('#remove .notice.success').waitFor();
    assert.match(question, /Remove version 0\.1\.0 of secret-lib\?.*lockfile.*breaks/s);
    await shot(p, 'admin');
    const versions = await (await p.request.get(`${priv.base}/api/v1/crates/secret-lib/versions`,
      {headers: {Authorization: priv.token}})).json();
    assert.deepEqual(versions.versions.map((v) => v.num), ['0.2.0']);
  });

  test('the shell is short-cached, the assets immutable under a content hash', async () => {
    const p = await page();
    const shell = await p.request.get(`${pub.base}/`);
    assert.equal(shell.headers()['cache-control'], 'no-cache');
    const src = (await shell.text()).match(/src="(\/assets\/[0-9a-f]{12}\/app\.js)"/)[1];
    const asset = await p.request.get(`${pub.base}${src}`);
    assert.equal(asset.status(), 200);
    assert.equal(asset.headers()['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(asset.headers()['content-type'], /^text\/javascript/);
    assert.equal((await p.request.get(`${pub.base}/assets/000000000000/app.js`)).status(), 404);
  });
});

if (why) console.log(`skipping the browser tests: ${why}`);
