import { test, describe, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// Loads ../viewer-request.js the way CloudFront would run it, minus the `cloudfront` module, which only
// exists at the edge: the import line is swapped for a stub whose kvs().get() calls globalThis.__kvsGet,
// an export line is appended, and the result is imported from a temporary file.
const SOURCE_PATH = join(here, '..', 'viewer-request.js');
const CF_IMPORT = "import cf from 'cloudfront';";

function source() {
    return readFileSync(SOURCE_PATH, 'utf8');
}

async function loadViewerFunction() {
    const src = source();
    if (!src.includes(CF_IMPORT)) {
        throw new Error('viewer-request.js no longer contains ' + CF_IMPORT);
    }
    const stub = 'const cf = { kvs: () => ({ get: (key, options) => globalThis.__kvsGet(key, options) }) };';
    const patched = src.replace(CF_IMPORT, stub)
        + '\nexport { handler, authorize, extractToken, unauthorized, LOGIN_URL };\n';
    const dir = mkdtempSync(join(tmpdir(), 'edge-auth-'));
    const file = join(dir, 'viewer-request.mjs');
    writeFileSync(file, patched);
    try {
        return await import(pathToFileURL(file).href);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

const NOW = 1_800_000_000;
const TOKEN = 'cargoreg_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ';
const sha = (s) => createHash('sha256').update(s, 'utf8').digest('hex');

let fn;
let store;

function kvsGet(key) {
    // Like cf.kvs().get(): rejects when the key does not exist.
    if (!store.has(key)) {
        return Promise.reject(new Error('KeyNotFound'));
    }
    return Promise.resolve(store.get(key));
}

function request(uri, authorization) {
    const headers = { host: { value: 'd111111abcdef8.cloudfront.net' }, accept: { value: 'text/plain' } };
    if (authorization !== undefined) {
        headers.authorization = { value: authorization };
    }
    return { method: 'GET', uri, querystring: {}, headers, cookies: {} };
}

function assertChallenge(result) {
    assert.equal(result.statusCode, 401);
    assert.equal(result.headers['www-authenticate'].value, 'Cargo login_url="' + fn.LOGIN_URL + '"');
    assert.match(result.headers['www-authenticate'].value, /^Cargo login_url="[^"]*"$/);
    assert.equal(result.headers['cache-control'].value, 'no-store');
    assert.equal(result.body.encoding, 'text');
    assert.ok(result.body.data.length > 0);
    assert.equal(result.uri, undefined, 'a response, not a request');
}

before(async () => {
    fn = await loadViewerFunction();
});

beforeEach(() => {
    store = new Map([[sha(TOKEN), '{"e":0}']]);
    globalThis.__kvsGet = kvsGet;
});

describe('missing or bad credentials get the Cargo challenge (never 403)', () => {
    test('no Authorization header on config.json', async () => {
        assertChallenge(await fn.authorize(request('/index/config.json'), kvsGet, NOW));
    });

    test('empty and blank Authorization headers', async () => {
        assertChallenge(await fn.authorize(request('/index/se/rd/serde', ''), kvsGet, NOW));
        assertChallenge(await fn.authorize(request('/index/se/rd/serde', '   '), kvsGet, NOW));
        assertChallenge(await fn.authorize(request('/index/se/rd/serde', 'Bearer '), kvsGet, NOW));
    });

    test('unknown token', async () => {
        assertChallenge(await fn.authorize(request('/index/se/rd/serde', 'cargoreg_nope'), kvsGet, NOW));
    });

    test('expired token', async () => {
        store.set(sha(TOKEN), JSON.stringify({ e: NOW - 1 }));
        assertChallenge(await fn.authorize(request('/index/se/rd/serde', TOKEN), kvsGet, NOW));
        store.set(sha(TOKEN), JSON.stringify({ e: NOW }));
        assertChallenge(await fn.authorize(request('/index/se/rd/serde', TOKEN), kvsGet, NOW));
    });

    test('token that expires later passes', async () => {
        store.set(sha(TOKEN), JSON.stringify({ e: NOW + 1 }));
        const out = await fn.authorize(request('/index/se/rd/serde', TOKEN), kvsGet, NOW);
        assert.equal(out.uri, '/index/se/rd/serde');
    });

    test('unreadable KVS values fail closed', async () => {
        for (const bad of ['not json', '{}', '{"e":"0"}', '{"e":null}', 'null']) {
            store.set(sha(TOKEN), bad);
            assertChallenge(await fn.authorize(request('/crates/a/a-1.0.0.crate', TOKEN), kvsGet, NOW));
        }
    });

    test('malformed Basic credentials', async () => {
        for (const header of ['Basic', 'Basic !!!!', 'Basic abcde', 'Basic ab=', 'Basic YQ==YQ==', 'Basic ' + Buffer.from('user:').toString('base64')]) {
            assertChallenge(await fn.authorize(request('/index/config.json', header), kvsGet, NOW));
        }
    });

    test('malformed Basic is rejected while parsing, before any lookup', () => {
        for (const header of ['Basic !!!!', 'Basic abcde', 'Basic ab=', 'Basic YQ==YQ==', 'Basic a b', 'Basic ' + Buffer.from('user:').toString('base64')]) {
            assert.equal(fn.extractToken(header), null, header);
        }
        assert.equal(fn.extractToken(null), null);
        assert.equal(fn.extractToken(undefined), null);
    });

    test('a token longer than 512 characters is not looked up', async () => {
        const long = 'x'.repeat(513);
        store.set(sha(long), '{"e":0}');
        assertChallenge(await fn.authorize(request('/index/config.json', long), kvsGet, NOW));
    });

    test('the login URL is a single replaceable constant', () => {
        const src = source();
        assert.equal((src.match(/__LOGIN_URL__/g) || []).length, 1);
        assert.match(src, /^const LOGIN_URL = '__LOGIN_URL__';$/m);
    });
});

describe('valid tokens pass', () => {
    for (const [name, header] of [
        ['raw (what cargo sends)', TOKEN],
        ['raw with surrounding spaces', '  ' + TOKEN + ' '],
        ['Bearer', 'Bearer ' + TOKEN],
        ['bearer, lowercase scheme', 'bearer ' + TOKEN],
        ['BEARER, uppercase scheme', 'BEARER ' + TOKEN],
        ['Basic user:token', 'Basic ' + Buffer.from('cargo:' + TOKEN).toString('base64')],
        ['basic, lowercase scheme, empty user', 'basic ' + Buffer.from(':' + TOKEN).toString('base64')],
        ['Basic without padding', 'Basic ' + Buffer.from('ab:' + TOKEN).toString('base64').replace(/=+$/, '')],
        ['Basic token only (no colon)', 'Basic ' + Buffer.from(TOKEN).toString('base64')],
    ]) {
        test(name, async () => {
            const out = await fn.authorize(request('/index/config.json', header), kvsGet, NOW);
            assert.equal(out.statusCode, undefined);
            assert.equal(out.uri, '/index/config.json');
            assert.equal(out.method, 'GET');
        });
    }

    test('Authorization is removed before the request goes on, other headers stay', async () => {
        const out = await fn.authorize(request('/index/se/rd/serde', TOKEN), kvsGet, NOW);
        assert.equal(out.headers.authorization, undefined);
        assert.equal('authorization' in out.headers, false);
        assert.equal(out.headers.accept.value, 'text/plain');
        assert.equal(out.headers.host.value, 'd111111abcdef8.cloudfront.net');
    });

    test('the KVS key is the lowercase hex SHA-256 of the token', async () => {
        const seen = [];
        await fn.authorize(request('/index/config.json', 'Bearer ' + TOKEN), (k) => { seen.push(k); return kvsGet(k); }, NOW);
        assert.deepEqual(seen, [sha(TOKEN)]);
        assert.match(seen[0], /^[0-9a-f]{64}$/);
    });
});

describe('+ rewrite', () => {
    test('on /crates/ a literal + becomes %2B', async () => {
        const out = await fn.authorize(request('/crates/consumer_pkg/consumer_pkg-1.2.3+build.5+x.crate', TOKEN), kvsGet, NOW);
        assert.equal(out.uri, '/crates/consumer_pkg/consumer_pkg-1.2.3%2Bbuild.5%2Bx.crate');
    });

    test('/crates/ without + is untouched', async () => {
        const out = await fn.authorize(request('/crates/serde/serde-1.0.0.crate', TOKEN), kvsGet, NOW);
        assert.equal(out.uri, '/crates/serde/serde-1.0.0.crate');
    });

    test('not on /index/', async () => {
        const out = await fn.authorize(request('/index/we/ir/weird+name', TOKEN), kvsGet, NOW);
        assert.equal(out.uri, '/index/we/ir/weird+name');
    });

    test('no rewrite for rejected requests', async () => {
        const out = await fn.authorize(request('/crates/a/a-1.0.0+b.crate'), kvsGet, NOW);
        assertChallenge(out);
    });

    test('the rewrite is the same code as infra/cloudfront/crate-path.js', () => {
        const norm = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean);
        const cratePath = norm(readFileSync(join(here, '..', '..', 'cloudfront', 'crate-path.js'), 'utf8'));
        const start = cratePath.findIndex((l) => l.startsWith("if (request.uri.indexOf('+')"));
        assert.ok(start >= 0, 'crate-path.js has the + rewrite');
        const block = cratePath.slice(start, start + 3);
        const mine = norm(source());
        const at = mine.findIndex((l) => l === block[0]);
        assert.ok(at >= 0, 'viewer-request.js has the same if line');
        assert.deepEqual(mine.slice(at, at + 3), block);
    });
});

describe('handler (the CloudFront entry point)', () => {
    test('uses cf.kvs().get and the clock', async () => {
        const seen = [];
        globalThis.__kvsGet = (k) => { seen.push(k); return kvsGet(k); };
        const ok = await fn.handler({ version: '1.0', context: { eventType: 'viewer-request' }, viewer: { ip: '192.0.2.1' }, request: request('/crates/a/a-1.0.0+b.crate', TOKEN) });
        assert.equal(ok.uri, '/crates/a/a-1.0.0%2Bb.crate');
        assert.deepEqual(seen, [sha(TOKEN)]);

        store.set(sha(TOKEN), JSON.stringify({ e: Math.floor(Date.now() / 1000) - 5 }));
        assertChallenge(await fn.handler({ request: request('/index/config.json', TOKEN) }));
    });
});

describe('fits CloudFront Functions', () => {
    const src = source();

    test('under the 10 KB function size limit', () => {
        assert.ok(Buffer.byteLength(src) < 10 * 1024, Buffer.byteLength(src) + ' bytes');
    });

    test('no exports, no other imports, handler declared', () => {
        assert.doesNotMatch(src, /^\s*export\b/m);
        const imports = src.split('\n').filter((l) => /^\s*import\b/.test(l));
        assert.deepEqual(imports, ["import cf from 'cloudfront';", "import crypto from 'crypto';"]);
        assert.match(src, /^async function handler\(event\)/m);
    });

    test('safe to embed under CloudFormation !Sub (no ${...})', () => {
        assert.equal(src.includes('${'), false);
    });
});

describe('template.yaml copy', () => {
    // CloudFormation cannot read a local file for AWS::CloudFront::Function, so the template carries the
    // code inline. When a resource named EdgeAuthFunction exists, its FunctionCode must be this file, with
    // only the LOGIN_URL value different (e.g. '${LoginUrl}' under !Sub).
    const templatePath = process.env.EDGE_AUTH_TEMPLATE ?? join(here, '..', '..', '..', 'template.yaml');
    const template = existsSync(templatePath) ? readFileSync(templatePath, 'utf8').split('\n') : [];
    const start = template.findIndex((l) => /^\s{2}EdgeAuthFunction:\s*$/.test(l));

    test('inline FunctionCode matches viewer-request.js', { skip: start < 0 ? 'no EdgeAuthFunction in template.yaml yet' : false }, () => {
        // `FunctionCode: !Sub |` or, with variables, `FunctionCode: !Sub` then `- |` (the block) and `- {vars}`
        let codeAt = template.findIndex((l, i) => i > start && /^\s+FunctionCode:\s*(!Sub\s*)?(\|[-+]?)?\s*$/.test(l));
        if (codeAt > start && !/\|[-+]?\s*$/.test(template[codeAt]) && /^\s+- \|[-+]?\s*$/.test(template[codeAt + 1])) {
            codeAt += 1;
        }
        assert.ok(codeAt > start && /\|[-+]?\s*$/.test(template[codeAt]), 'EdgeAuthFunction has a literal-block FunctionCode');
        const lines = [];
        let indent;
        for (let i = codeAt + 1; i < template.length; i++) {
            const l = template[i];
            if (l.trim() === '') { lines.push(''); continue; }
            const ind = l.length - l.trimStart().length;
            indent ??= ind;
            if (ind < indent) break;
            lines.push(l.substring(indent));
        }
        while (lines.length && lines.at(-1) === '') lines.pop();
        const loginLine = /^const LOGIN_URL = '[^']*';$/;
        const norm = (text) => text.split('\n').map((l) => (loginLine.test(l) ? "const LOGIN_URL = '<login url>';" : l));
        const mine = norm(source().replace(/\n+$/, ''));
        assert.deepEqual(lines.map((l) => (loginLine.test(l) ? "const LOGIN_URL = '<login url>';" : l)), mine);
    });
});
