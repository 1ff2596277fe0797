// Token sync: DynamoDB Stream (NEW_AND_OLD_IMAGES) of the registry table -> CloudFront KeyValueStore.
//
// The edge function (../viewer-request.js) admits a request when the SHA-256 of its token is a key of
// the KeyValueStore and the value {"e":<expiry epoch seconds, 0 = never>} is not past. This handler
// keeps that set equal to "tokens that may read and are not revoked or expired":
//
//   item PK=TOKEN#<sha256> SK=META, attributes login (S), expires (N, optional), revoked (BOOL, optional),
//   disabled (BOOL, optional: the token's user is disabled),
//   scopes (SS, optional; ignored here: every valid token may read, publishing needs the index too)
//
//   INSERT/MODIFY of a readable token      -> put    <sha256> = {"e":<expires or 0>}
//     (not for a MODIFY that leaves that value unchanged, e.g. a lastUsed touch, unless it changes the
//     `kvsSync` attribute: SET kvsSync = :now on an item forces the put, for backfills)
//   REMOVE, revoked, disabled, expired -> delete <sha256> (a key that is not there is fine)
//   anything that is not a token item       -> ignored
//
// One invocation = one batch of stream records, collapsed to the last state per key and written with
// UpdateKeys (all-or-nothing, at most 50 keys per call) under the store's ETag (optimistic concurrency:
// DescribeKeyValueStore for the ETag, UpdateKeys with IfMatch, ConflictException -> fetch the ETag
// again and retry). Any other failure throws, so Lambda retries the batch; every operation is idempotent.
//
// The real client (AWS SDK v3 + the pure-JS SigV4A signer the KVS data plane requires) is loaded with a
// dynamic import only when no client is injected, so the tests need no npm dependencies.

const TOKEN_PREFIX = 'TOKEN#';
const META = 'META';
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** AWS default quota per UpdateKeys request: 50 keys or 3 MB, whichever comes first. */
export const MAX_KEYS_PER_UPDATE = 50;
const SIZE_WARNING_BYTES = 0.8 * 5 * 1024 * 1024;

/** Lambda entry point: the real KVS client, KVS_ARN from the environment. */
export const handler = makeHandler(() => createKvsClient());

/** A handler over any client factory (called once per execution environment); tests pass a fake. */
export function makeHandler(clientFactory, env = process.env) {
    let client;
    return async (event) => {
        const kvsArn = env.KVS_ARN;
        if (!kvsArn) {
            throw new Error('KVS_ARN is not set');
        }
        client ??= await clientFactory();
        const result = await syncRecords(event?.Records ?? [], { client, kvsArn });
        console.log(JSON.stringify({ msg: 'token-sync', ...result }));
        if (result.totalSizeInBytes > SIZE_WARNING_BYTES) {
            // The store is capped at 5 MB; at ~80 bytes per token that is ~65,000 tokens.
            console.warn(JSON.stringify({ msg: 'token-sync: KeyValueStore above 80 % of its 5 MB limit', totalSizeInBytes: result.totalSizeInBytes }));
        }
        return result;
    };
}

/**
 * Applies a batch of DynamoDB stream records to the KeyValueStore.
 * options: client (see createKvsClient for the shape), kvsArn, now (epoch seconds), maxAttempts, sleep(ms).
 * Returns counts: { records, tokenRecords, puts, deletes, calls }, plus itemCount and totalSizeInBytes of
 * the store after the last UpdateKeys (when there was one).
 */
export async function syncRecords(records, options) {
    const now = options.now ?? Math.floor(Date.now() / 1000);
    const plan = planChanges(records, now);
    const changes = [...plan.changes.values()];
    const applied = await applyChanges(changes, options);
    const result = {
        records: records.length,
        tokenRecords: plan.tokenRecords,
        puts: changes.filter((c) => c.value !== undefined).length,
        deletes: changes.filter((c) => c.value === undefined).length,
        calls: applied.calls,
    };
    if (applied.last?.ItemCount !== undefined) result.itemCount = applied.last.ItemCount;
    if (applied.last?.TotalSizeInBytes !== undefined) result.totalSizeInBytes = applied.last.TotalSizeInBytes;
    return result;
}

/**
 * Turns stream records into the final change per KVS key (records of one item arrive in order, so the
 * last one wins). Returns { changes: Map<key, {key, value?}>, tokenRecords }.
 */
export function planChanges(records, now) {
    const changes = new Map();
    let tokenRecords = 0;
    for (const record of records) {
        const ddb = record?.dynamodb ?? {};
        const keys = ddb.Keys ?? ddb.NewImage ?? ddb.OldImage ?? {};
        const pk = keys.PK?.S;
        const sk = keys.SK?.S;
        if (typeof pk !== 'string' || !pk.startsWith(TOKEN_PREFIX) || sk !== META) {
            continue;
        }
        const hash = pk.substring(TOKEN_PREFIX.length);
        if (!SHA256_HEX.test(hash)) {
            console.warn(JSON.stringify({ msg: 'token-sync: ignoring token item with a malformed hash', length: hash.length }));
            continue;
        }
        tokenRecords++;
        const newImage = record.eventName === 'REMOVE' ? undefined : ddb.NewImage;
        const oldImage = ddb.OldImage;
        const newItem = newImage ? unmarshall(newImage) : undefined;
        const value = newItem ? kvsValue(newItem, now) : undefined;
        if (value !== undefined) {
            // The API touches tokens on use (lastUsed): a MODIFY that leaves the KVS value as it was needs
            // no write, unless it changes `kvsSync`, the explicit "write this key again" switch (backfill).
            if (record.eventName === 'MODIFY' && oldImage !== undefined && !changes.has(hash)) {
                const oldItem = unmarshall(oldImage);
                if (kvsValue(oldItem, now) === value && String(oldItem.kvsSync) === String(newItem.kvsSync)) {
                    continue;
                }
            }
            changes.set(hash, { key: hash, value });
            continue;
        }
        // Nothing to keep. Skip the delete only when the stream proves the key was never written: an
        // INSERT, or an old image that was never readable. Otherwise delete (REMOVE, revocation, scope
        // change, an expired token, or a stream without old images).
        const neverWritten = record.eventName === 'INSERT'
            || (record.eventName === 'MODIFY' && oldImage !== undefined && !readable(unmarshall(oldImage)));
        if (neverWritten && !changes.has(hash)) {
            continue;
        }
        changes.set(hash, { key: hash });
    }
    return { changes, tokenRecords };
}

/** The KVS value for a token item, or undefined when the token must not be in the store. */
export function kvsValue(item, now) {
    if (!readable(item)) {
        return undefined;
    }
    const e = expiry(item);
    if (e === undefined || (e !== 0 && e <= now)) {
        return undefined;
    }
    return JSON.stringify({ e });
}

/**
 * Not revoked, and its user not disabled (`disabled` is set on each token item of a disabled user, and cleared again
 * on enable, which puts the key back). Every valid token may read, whatever its endpoint scopes: `cargo publish` fetches config.json and the
 * index with the same token (the Java side's Principal.has(READ) is the same rule). Expiry is checked separately.
 */
export function readable(item) {
    return item.revoked !== true && item.disabled !== true;
}

/** 0 for "never", epoch seconds otherwise, undefined when the attribute is unusable (fail closed). */
function expiry(item) {
    if (item.expires === undefined || item.expires === null) {
        return 0;
    }
    const e = Number(item.expires);
    return Number.isSafeInteger(e) && e >= 0 ? e : undefined;
}

/** Just the DynamoDB attribute types a token item uses (S, N, BOOL, SS, L, NULL). */
export function unmarshall(image) {
    const out = {};
    for (const [name, av] of Object.entries(image ?? {})) {
        out[name] = attributeValue(av);
    }
    return out;
}

function attributeValue(av) {
    if (av === null || typeof av !== 'object') return undefined;
    if ('S' in av) return av.S;
    if ('N' in av) return av.N;
    if ('BOOL' in av) return av.BOOL;
    if ('SS' in av) return av.SS;
    if ('NULL' in av) return null;
    if ('L' in av) return av.L.map(attributeValue);
    return undefined;
}

/**
 * Writes the changes in UpdateKeys calls of at most 50 keys.
 * Returns { calls: UpdateKeys calls made, last: the last successful UpdateKeys response }.
 */
export async function applyChanges(changes, options) {
    const { client, kvsArn } = options;
    const maxAttempts = options.maxAttempts ?? 8;
    const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    let calls = 0;
    let last;
    let etag;
    for (let i = 0; i < changes.length; i += MAX_KEYS_PER_UPDATE) {
        let chunk = changes.slice(i, i + MAX_KEYS_PER_UPDATE);
        let probed = false;
        for (let attempt = 1; ; attempt++) {
            if (chunk.length === 0) {
                break;
            }
            etag ??= (await client.describeKeyValueStore({ KvsARN: kvsArn })).ETag;
            const puts = chunk.filter((c) => c.value !== undefined).map((c) => ({ Key: c.key, Value: c.value }));
            const deletes = chunk.filter((c) => c.value === undefined).map((c) => ({ Key: c.key }));
            const request = { KvsARN: kvsArn, IfMatch: etag };
            if (puts.length > 0) request.Puts = puts;
            if (deletes.length > 0) request.Deletes = deletes;
            try {
                calls++;
                last = await client.updateKeys(request);
                etag = last?.ETag;
                break;
            } catch (err) {
                if (isConflict(err) && attempt < maxAttempts) {
                    // Someone else wrote the store since we read its ETag: read it again and retry.
                    etag = undefined;
                    await sleep(backoffMs(attempt));
                    continue;
                }
                if (!probed && deletes.length > 0 && (isNotFound(err) || isValidation(err))) {
                    // The API does not promise what a delete of an absent key does inside an all-or-nothing
                    // batch. Drop the deletes of keys that are not there (nothing to do for them) and retry.
                    probed = true;
                    const absent = await absentKeys(client, kvsArn, deletes.map((d) => d.Key));
                    if (absent.size > 0) {
                        chunk = chunk.filter((c) => c.value !== undefined || !absent.has(c.key));
                        continue;
                    }
                }
                throw err;
            }
        }
    }
    return { calls, last };
}

async function absentKeys(client, kvsArn, keys) {
    const absent = new Set();
    for (const key of keys) {
        try {
            await client.getKey({ KvsARN: kvsArn, Key: key });
        } catch (err) {
            if (!isNotFound(err)) {
                throw err;
            }
            absent.add(key);
        }
    }
    return absent;
}

function errorName(err) {
    return err?.name ?? err?.Code ?? err?.code;
}

function isConflict(err) {
    return errorName(err) === 'ConflictException' || err?.$metadata?.httpStatusCode === 409;
}

function isNotFound(err) {
    return errorName(err) === 'ResourceNotFoundException';
}

function isValidation(err) {
    return errorName(err) === 'ValidationException';
}

function backoffMs(attempt) {
    const cap = Math.min(1000, 50 * 2 ** (attempt - 1));
    return Math.floor(cap / 2 + Math.random() * (cap / 2));
}

/**
 * The real KVS data-plane client: { describeKeyValueStore, updateKeys, getKey }, each taking the SDK's
 * command input and resolving to its output. Importing @aws-sdk/signature-v4a registers the pure-JS
 * SigV4A signer, which the KVS client needs (its requests are signed for region "*"); without it the
 * SDK looks for the native CRT signer instead.
 */
export async function createKvsClient(config = {}) {
    await import('@aws-sdk/signature-v4a');
    const sdk = await import('@aws-sdk/client-cloudfront-keyvaluestore');
    const client = new sdk.CloudFrontKeyValueStoreClient(config);
    return {
        describeKeyValueStore: (input) => client.send(new sdk.DescribeKeyValueStoreCommand(input)),
        updateKeys: (input) => client.send(new sdk.UpdateKeysCommand(input)),
        getKey: (input) => client.send(new sdk.GetKeyCommand(input)),
    };
}
