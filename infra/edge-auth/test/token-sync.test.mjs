import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { syncRecords, planChanges, kvsValue, readable, unmarshall, makeHandler, MAX_KEYS_PER_UPDATE } from '../token-sync/index.mjs';

const NOW = 1_800_000_000;
const ARN = 'arn:aws:cloudfront::123456789012:key-value-store/0f3b5c0e-1111-2222-3333-444455556666';
const hashOf = (s) => createHash('sha256').update(s).digest('hex');
const H1 = hashOf('token-one');
const H2 = hashOf('token-two');
const H3 = hashOf('token-three');

/** A token item image in DynamoDB JSON. */
function tokenImage(hash, { expires, revoked, disabled, scopes, login = 'alice' } = {}) {
    const image = { PK: { S: 'TOKEN#' + hash }, SK: { S: 'META' }, login: { S: login }, name: { S: 'ci' } };
    if (expires !== undefined) image.expires = { N: String(expires) };
    if (revoked !== undefined) image.revoked = { BOOL: revoked };
    if (disabled !== undefined) image.disabled = { BOOL: disabled };
    if (scopes !== undefined) image.scopes = { SS: scopes };
    return image;
}

function record(eventName, { keys, newImage, oldImage }) {
    const k = keys ?? { PK: (newImage ?? oldImage).PK, SK: (newImage ?? oldImage).SK };
    const dynamodb = { Keys: k, StreamViewType: 'NEW_AND_OLD_IMAGES', SequenceNumber: String(Math.random()).slice(2) };
    if (newImage) dynamodb.NewImage = newImage;
    if (oldImage) dynamodb.OldImage = oldImage;
    return { eventID: '1', eventName, eventSource: 'aws:dynamodb', dynamodb };
}
const insert = (image) => record('INSERT', { newImage: image });
const modify = (oldImage, newImage) => record('MODIFY', { oldImage, newImage });
const remove = (oldImage) => record('REMOVE', { oldImage });

/**
 * In-memory KeyValueStore with the data-plane semantics the sync relies on: an ETag that changes on every
 * write, UpdateKeys refused with ConflictException on a stale IfMatch, optional injected conflicts, and
 * (optionally) a ValidationException when a batch deletes a key that is not there.
 */
class FakeKvs {
    constructor({ conflicts = 0, strictDeletes = false } = {}) {
        this.data = new Map();
        this.version = 1;
        this.conflictsLeft = conflicts;
        this.strictDeletes = strictDeletes;
        this.calls = [];
    }
    get etag() { return 'ETAG' + this.version; }
    async describeKeyValueStore(input) {
        this.calls.push(['describe', input]);
        return { ETag: this.etag, ItemCount: this.data.size };
    }
    async getKey(input) {
        this.calls.push(['getKey', input]);
        if (!this.data.has(input.Key)) throw named('ResourceNotFoundException');
        return { Key: input.Key, Value: this.data.get(input.Key) };
    }
    async updateKeys(input) {
        this.calls.push(['update', structuredClone(input)]);
        assert.equal(input.KvsARN, ARN);
        if (this.conflictsLeft > 0) {
            this.conflictsLeft--;
            this.version++; // someone else wrote meanwhile
            throw named('ConflictException', 409);
        }
        if (input.IfMatch !== this.etag) throw named('ConflictException', 409);
        const n = (input.Puts?.length ?? 0) + (input.Deletes?.length ?? 0);
        if (n === 0 || n > MAX_KEYS_PER_UPDATE) throw named('ValidationException', 400);
        if (this.strictDeletes && (input.Deletes ?? []).some((d) => !this.data.has(d.Key))) {
            throw named('ResourceNotFoundException', 404);
        }
        for (const p of input.Puts ?? []) this.data.set(p.Key, p.Value);
        for (const d of input.Deletes ?? []) this.data.delete(d.Key);
        this.version++;
        let size = 0;
        for (const [k, v] of this.data) size += Buffer.byteLength(k) + Buffer.byteLength(v);
        return { ETag: this.etag, ItemCount: this.data.size, TotalSizeInBytes: size };
    }
    updates() { return this.calls.filter((c) => c[0] === 'update').map((c) => c[1]); }
}

function named(name, status) {
    const err = new Error(name);
    err.name = name;
    if (status) err.$metadata = { httpStatusCode: status };
    return err;
}

const noSleep = async () => {};
const run = (records, kvs, extra = {}) => syncRecords(records, { client: kvs, kvsArn: ARN, now: NOW, sleep: noSleep, ...extra });

describe('token-sync', () => {
    test('INSERT of a token that can read -> put {"e":<expires>}', async () => {
        const kvs = new FakeKvs();
        const result = await run([insert(tokenImage(H1, { expires: NOW + 3600 }))], kvs);
        assert.equal(kvs.data.get(H1), JSON.stringify({ e: NOW + 3600 }));
        assert.deepEqual(kvs.updates(), [{ KvsARN: ARN, IfMatch: 'ETAG1', Puts: [{ Key: H1, Value: '{"e":1800003600}' }] }]);
        assert.deepEqual(result, { records: 1, tokenRecords: 1, puts: 1, deletes: 0, calls: 1, itemCount: 1, totalSizeInBytes: 64 + 16 });
    });

    test('no expiry -> {"e":0}; "read" and "admin" scopes can read', async () => {
        const kvs = new FakeKvs();
        await run([
            insert(tokenImage(H1)),
            insert(tokenImage(H2, { scopes: ['publish-update', 'read'] })),
            insert(tokenImage(H3, { scopes: ['admin'] })),
        ], kvs);
        assert.equal(kvs.data.get(H1), '{"e":0}');
        assert.equal(kvs.data.get(H2), '{"e":0}');
        assert.equal(kvs.data.get(H3), '{"e":0}');
        assert.equal(kvs.updates().length, 1, 'one batch, one UpdateKeys');
    });

    test('token with only publish scopes is readable: cargo publish fetches the index with it', async () => {
        const kvs = new FakeKvs();
        const result = await run([insert(tokenImage(H1, { scopes: ['publish-new', 'publish-update'] }))], kvs);
        assert.equal(kvs.data.get(H1), '{"e":0}');
        assert.equal(result.puts, 1);
    });

    test('changing the scopes of a live token writes nothing (it stays readable)', async () => {
        const kvs = new FakeKvs();
        kvs.data.set(H1, '{"e":0}');
        await run([modify(tokenImage(H1, { scopes: ['read', 'yank'] }), tokenImage(H1, { scopes: ['yank'] }))], kvs);
        assert.equal(kvs.data.get(H1), '{"e":0}');
        assert.equal(kvs.updates().length, 0);
    });

    test('a MODIFY that leaves the KVS value unchanged (lastUsed touch) writes nothing', async () => {
        const kvs = new FakeKvs();
        const before = tokenImage(H1, { expires: NOW + 60, scopes: ['read'] });
        const after = { ...before, lastUsed: { S: '2027-01-15T10:00:00Z' } };
        const result = await run([modify(before, after)], kvs);
        assert.equal(kvs.calls.length, 0);
        assert.equal(result.puts, 0);
    });

    test('changing kvsSync forces the put (backfill of tokens that predate the sync)', async () => {
        const kvs = new FakeKvs();
        const before = tokenImage(H1);
        const after = { ...before, kvsSync: { N: String(NOW) } };
        await run([modify(before, after)], kvs);
        assert.equal(kvs.data.get(H1), '{"e":0}');
    });

    test('a MODIFY that changes the expiry puts the new value', async () => {
        const kvs = new FakeKvs();
        await run([modify(tokenImage(H1, { expires: NOW + 60 }), tokenImage(H1))], kvs);
        assert.equal(kvs.data.get(H1), '{"e":0}');
    });

    test('revoke -> delete', async () => {
        const kvs = new FakeKvs();
        kvs.data.set(H1, '{"e":0}');
        kvs.data.set(H2, '{"e":0}');
        const result = await run([modify(tokenImage(H1), tokenImage(H1, { revoked: true }))], kvs);
        assert.equal(kvs.data.has(H1), false);
        assert.equal(kvs.data.has(H2), true);
        assert.equal(result.deletes, 1);
    });

    test('user disabled -> delete; enabled again -> put back', async () => {
        const kvs = new FakeKvs();
        kvs.data.set(H1, '{"e":0}');
        kvs.data.set(H2, '{"e":0}');
        const disabled = await run([modify(tokenImage(H1), tokenImage(H1, { disabled: true }))], kvs);
        assert.equal(kvs.data.has(H1), false);
        assert.equal(kvs.data.has(H2), true);
        assert.equal(disabled.deletes, 1);
        await run([modify(tokenImage(H1, { disabled: true }), tokenImage(H1, { disabled: false }))], kvs);
        assert.equal(kvs.data.get(H1), '{"e":0}');
        // a revoked token stays out when its user is enabled
        const empty = new FakeKvs();
        await run([modify(tokenImage(H3, { revoked: true, disabled: true }), tokenImage(H3, { revoked: true, disabled: false }))], empty);
        assert.equal(empty.data.has(H3), false);
    });

    test('REMOVE -> delete', async () => {
        const kvs = new FakeKvs();
        kvs.data.set(H1, '{"e":1800003600}');
        await run([remove(tokenImage(H1, { expires: NOW + 3600 }))], kvs);
        assert.equal(kvs.data.has(H1), false);
    });

    test('REMOVE from a stream without images (keys only) -> delete', async () => {
        const kvs = new FakeKvs();
        kvs.data.set(H1, '{"e":0}');
        await run([record('REMOVE', { keys: { PK: { S: 'TOKEN#' + H1 }, SK: { S: 'META' } } })], kvs);
        assert.equal(kvs.data.has(H1), false);
    });

    test('token already expired when the record arrives -> delete, not put', async () => {
        const kvs = new FakeKvs();
        kvs.data.set(H1, '{"e":0}');
        await run([modify(tokenImage(H1), tokenImage(H1, { expires: NOW - 10 }))], kvs);
        assert.equal(kvs.data.has(H1), false);
    });

    test('non-token items are ignored', async () => {
        const kvs = new FakeKvs();
        const crate = { PK: { S: 'CRATE#serde' }, SK: { S: 'META' }, name: { S: 'serde' } };
        const version = { PK: { S: 'CRATE#serde' }, SK: { S: 'V#1.0.0' }, vers: { S: '1.0.0' } };
        const user = { PK: { S: 'USER#alice' }, SK: { S: 'META' }, login: { S: 'alice' } };
        const tokenOtherSk = { PK: { S: 'TOKEN#' + H1 }, SK: { S: 'USAGE#2026-01-01' } };
        const badHash = { PK: { S: 'TOKEN#NOT-A-HASH' }, SK: { S: 'META' }, login: { S: 'x' } };
        const result = await run([
            insert(crate), insert(version), modify(user, user), remove(crate), insert(tokenOtherSk), insert(badHash),
            { eventName: 'INSERT', dynamodb: {} }, {},
        ], kvs);
        assert.equal(kvs.calls.length, 0, 'no KVS calls at all');
        assert.deepEqual(result, { records: 8, tokenRecords: 0, puts: 0, deletes: 0, calls: 0 });
    });

    test('a stale ETag (ConflictException) is fetched again and the update retried', async () => {
        const kvs = new FakeKvs({ conflicts: 2 });
        const result = await run([insert(tokenImage(H1))], kvs);
        assert.equal(kvs.data.get(H1), '{"e":0}');
        const kinds = kvs.calls.map((c) => c[0]);
        assert.deepEqual(kinds, ['describe', 'update', 'describe', 'update', 'describe', 'update']);
        const ifMatches = kvs.updates().map((u) => u.IfMatch);
        assert.deepEqual(ifMatches, ['ETAG1', 'ETAG2', 'ETAG3']);
        assert.equal(result.calls, 3);
    });

    test('gives up (throws, so Lambda retries the batch) after maxAttempts conflicts', async () => {
        const kvs = new FakeKvs({ conflicts: 100 });
        await assert.rejects(run([insert(tokenImage(H1))], kvs, { maxAttempts: 4 }), { name: 'ConflictException' });
        assert.equal(kvs.updates().length, 4);
    });

    test('the last record for a key in a batch wins', async () => {
        const kvs = new FakeKvs();
        await run([
            insert(tokenImage(H1)),
            modify(tokenImage(H1), tokenImage(H1, { revoked: true })),
            insert(tokenImage(H2)),
            remove(tokenImage(H2)),
            insert(tokenImage(H3, { expires: NOW + 5 })),
            modify(tokenImage(H3, { expires: NOW + 5 }), tokenImage(H3, { expires: NOW + 50 })),
        ], kvs);
        assert.equal(kvs.updates().length, 1);
        const u = kvs.updates()[0];
        assert.deepEqual(u.Puts, [{ Key: H3, Value: '{"e":1800000050}' }]);
        assert.deepEqual(u.Deletes.map((d) => d.Key).sort(), [H1, H2].sort());
    });

    test('more than 50 changes are split into several UpdateKeys calls chained on the returned ETag', async () => {
        const kvs = new FakeKvs();
        const records = Array.from({ length: 120 }, (_, i) => insert(tokenImage(hashOf('t' + i))));
        const result = await run(records, kvs);
        assert.equal(kvs.data.size, 120);
        assert.deepEqual(kvs.updates().map((u) => u.Puts.length), [50, 50, 20]);
        assert.equal(kvs.calls.filter((c) => c[0] === 'describe').length, 1);
        assert.equal(result.calls, 3);
    });

    test('if the service refuses deletes of absent keys, those are dropped and the rest is applied', async () => {
        const kvs = new FakeKvs({ strictDeletes: true });
        kvs.data.set(H2, '{"e":0}');
        await run([
            remove(tokenImage(H1)),                                // not in the store
            modify(tokenImage(H2), tokenImage(H2, { revoked: true })), // in the store
            insert(tokenImage(H3)),
        ], kvs);
        assert.equal(kvs.data.has(H2), false);
        assert.equal(kvs.data.get(H3), '{"e":0}');
        const last = kvs.updates().at(-1);
        assert.deepEqual(last.Deletes, [{ Key: H2 }]);
    });

    test('other errors propagate', async () => {
        const kvs = new FakeKvs();
        kvs.updateKeys = async () => { throw named('AccessDeniedException', 403); };
        await assert.rejects(run([insert(tokenImage(H1))], kvs), { name: 'AccessDeniedException' });
    });

    test('empty batch makes no calls', async () => {
        const kvs = new FakeKvs();
        assert.deepEqual(await run([], kvs), { records: 0, tokenRecords: 0, puts: 0, deletes: 0, calls: 0 });
        assert.equal(kvs.calls.length, 0);
    });
});

describe('token-sync rules', () => {
    test('readable()', () => {
        assert.equal(readable({}), true);
        assert.equal(readable({ scopes: [] }), true);
        assert.equal(readable({ scopes: ['read'] }), true);
        assert.equal(readable({ scopes: ['admin'] }), true);
        assert.equal(readable({ scopes: ['publish-new', 'publish-update', 'yank', 'change-owners'] }), true, 'publishing needs the index too');
        assert.equal(readable({ revoked: true }), false);
        assert.equal(readable({ disabled: true }), false);
        assert.equal(readable({ revoked: false, disabled: false, scopes: ['read'] }), true);
    });

    test('kvsValue()', () => {
        assert.equal(kvsValue({ expires: '0' }, NOW), '{"e":0}');
        assert.equal(kvsValue({ expires: String(NOW + 1) }, NOW), '{"e":1800000001}');
        assert.equal(kvsValue({ expires: String(NOW) }, NOW), undefined);
        assert.equal(kvsValue({ expires: 'soon' }, NOW), undefined);
        assert.equal(kvsValue({ expires: '1.5' }, NOW), undefined);
        assert.equal(kvsValue({ revoked: true }, NOW), undefined);
    });

    test('unmarshall()', () => {
        assert.deepEqual(unmarshall(tokenImage(H1, { expires: 5, revoked: false, scopes: ['read'] })), {
            PK: 'TOKEN#' + H1, SK: 'META', login: 'alice', name: 'ci', expires: '5', revoked: false, scopes: ['read'],
        });
        assert.deepEqual(unmarshall({ scopes: { L: [{ S: 'read' }] }, x: { NULL: true } }), { scopes: ['read'], x: null });
    });

    test('planChanges() keys are the bare hashes', () => {
        const { changes } = planChanges([insert(tokenImage(H1))], NOW);
        assert.deepEqual([...changes.keys()], [H1]);
    });
});

describe('Lambda handler', () => {
    test('requires KVS_ARN', async () => {
        const h = makeHandler(async () => new FakeKvs(), {});
        await assert.rejects(h({ Records: [] }), /KVS_ARN/);
    });

    test('applies a stream event with the client from the factory, created once', async () => {
        const kvs = new FakeKvs();
        let created = 0;
        const h = makeHandler(async () => { created++; return kvs; }, { KVS_ARN: ARN });
        const r1 = await h({ Records: [insert(tokenImage(H1))] });
        const r2 = await h({ Records: [modify(tokenImage(H1), tokenImage(H1, { revoked: true }))] });
        assert.equal(created, 1);
        assert.equal(r1.puts, 1);
        assert.equal(r2.deletes, 1);
        assert.equal(kvs.data.size, 0);
    });

    test('the exported handler is built the same way', async () => {
        const mod = await import('../token-sync/index.mjs');
        assert.equal(typeof mod.handler, 'function');
    });
});
