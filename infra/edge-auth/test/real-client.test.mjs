// Checks the real-client wiring (AWS SDK v3 + pure-JS SigV4A) without AWS: the request is captured by a
// custom request handler instead of being sent. Skipped unless the token-sync dependencies are installed
// (cd infra/edge-auth/token-sync && npm ci), so the default test run needs no npm packages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKvsClient } from '../token-sync/index.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const installed = existsSync(join(here, '..', 'token-sync', 'node_modules', '@aws-sdk', 'client-cloudfront-keyvaluestore'))
    && existsSync(join(here, '..', 'token-sync', 'node_modules', '@aws-sdk', 'signature-v4a'));
const ARN = 'arn:aws:cloudfront::123456789012:key-value-store/0f3b5c0e-1111-2222-3333-444455556666';

test('UpdateKeys goes to the account KVS endpoint, signed with SigV4A', { skip: installed ? false : 'token-sync dependencies not installed' }, async () => {
    const captured = [];
    const client = await createKvsClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
        maxAttempts: 1,
        requestHandler: {
            handle: async (request) => {
                captured.push(request);
                throw Object.assign(new Error('captured, not sent'), { name: 'Captured' });
            },
        },
    });
    await assert.rejects(client.updateKeys({ KvsARN: ARN, IfMatch: 'ETAG1', Puts: [{ Key: 'k', Value: '{"e":0}' }] }), { name: 'Captured' });
    const req = captured[0];
    assert.equal(req.hostname, '123456789012.cloudfront-kvs.global.api.aws');
    assert.equal(req.method, 'POST');
    assert.equal(req.headers['if-match'], 'ETAG1');
    const auth = req.headers.authorization ?? req.headers.Authorization;
    assert.match(auth, /^AWS4-ECDSA-P256-SHA256 /, 'SigV4A');
    assert.equal(req.headers['x-amz-region-set'], '*');
});
