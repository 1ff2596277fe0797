import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

// The public registry's CloudFront Functions (infra/cloudfront/*.js): their behaviour, their fit in CloudFront
// Functions, and that template.yaml carries each one byte for byte (CloudFormation cannot read a local file).
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const FUNCTIONS = { CratePathFunction: 'crate-path.js', PublishLimitFunction: 'publish-limit.js' };

function source(file) {
    return readFileSync(join(here, '..', file), 'utf8');
}

// Runs the file as CloudFront does (a script that declares `handler`), without node's module system.
function load(file) {
    const context = {};
    vm.runInNewContext(source(file) + '\nthis.handler = handler; this.MAX = typeof MAX_BODY_BYTES === "undefined" ? null : MAX_BODY_BYTES;', context);
    return context;
}

function request(uri, headers = {}) {
    const h = {};
    for (const [k, v] of Object.entries(headers)) h[k] = { value: v };
    return { version: '1.0', context: { eventType: 'viewer-request' }, viewer: { ip: '192.0.2.1' },
        request: { method: 'PUT', uri, querystring: {}, headers: h, cookies: {} } };
}

// The literal block after `  <Name>:` ... `FunctionCode: |`, de-indented.
function inlineCode(templateText, name) {
    const lines = templateText.split('\n');
    const start = lines.findIndex((l) => l === '  ' + name + ':');
    assert.ok(start >= 0, name + ' is in template.yaml');
    const codeAt = lines.findIndex((l, i) => i > start && /^\s+FunctionCode:\s*\|\s*$/.test(l));
    assert.ok(codeAt > start, name + ' has a literal-block FunctionCode');
    const out = [];
    let indent;
    for (let i = codeAt + 1; i < lines.length; i++) {
        const l = lines[i];
        if (l.trim() === '') { out.push(''); continue; }
        const ind = l.length - l.trimStart().length;
        indent ??= ind;
        if (ind < indent) break;
        out.push(l.substring(indent));
    }
    while (out.length && out.at(-1) === '') out.pop();
    return out.join('\n') + '\n';
}

describe('publish-limit.js', () => {
    const fn = load('publish-limit.js');

    test('the limit is what a 6 MiB Lambda event can carry base64-encoded, less 16 KiB of envelope', () => {
        assert.equal(fn.MAX, (6 * 1024 * 1024 - 16 * 1024) * 3 / 4);
    });

    test('a body within the limit passes unchanged', () => {
        const event = request('/api/v1/crates/new', { 'content-length': String(fn.MAX) });
        assert.equal(fn.handler(event), event.request);
    });

    test('no Content-Length (or a bad one) passes: API Gateway and the function still check', () => {
        for (const headers of [{}, { 'content-length': 'x' }]) {
            const event = request('/api/v1/crates/new', headers);
            assert.equal(fn.handler(event), event.request);
        }
    });

    test("a larger body gets 413 with cargo's error body, naming the sizes", () => {
        const out = fn.handler(request('/api/v1/crates/new', { 'content-length': String(fn.MAX + 1) }));
        assert.equal(out.statusCode, 413);
        assert.equal(out.headers['content-type'].value, 'application/json');
        assert.equal(out.headers['cache-control'].value, 'no-store');
        const body = JSON.parse(out.body.data);
        assert.equal(body.errors.length, 1);
        assert.match(body.errors[0].detail, new RegExp('is ' + (fn.MAX + 1) + ' bytes, more than the ' + fn.MAX + ' bytes'));
        assert.match(body.errors[0].detail, /readme/);
    });
});

describe('crate-path.js', () => {
    const fn = load('crate-path.js');

    test('rewrites + to %2B, leaves other paths alone', () => {
        assert.equal(fn.handler(request('/crates/a/a-1.0.0+b.5.crate')).uri, '/crates/a/a-1.0.0%2Bb.5.crate');
        assert.equal(fn.handler(request('/crates/a/a-1.0.0.crate')).uri, '/crates/a/a-1.0.0.crate');
    });
});

describe('fit CloudFront Functions', () => {
    for (const file of Object.values(FUNCTIONS)) {
        test(file + ': under 10 KB, no import or export, handler declared', () => {
            const src = source(file);
            assert.ok(Buffer.byteLength(src) < 10 * 1024);
            assert.doesNotMatch(src, /^\s*(import|export)\b/m);
            assert.match(src, /^function handler\(event\)/m);
        });
    }
});

describe('template.yaml copies', () => {
    const templatePath = process.env.CLOUDFRONT_TEMPLATE ?? join(root, 'template.yaml');
    const template = existsSync(templatePath) ? readFileSync(templatePath, 'utf8') : null;
    for (const [name, file] of Object.entries(FUNCTIONS)) {
        test(name + "'s inline FunctionCode is " + file, { skip: template === null ? 'no template.yaml' : false }, () => {
            assert.equal(inlineCode(template, name), source(file));
        });
    }
});
