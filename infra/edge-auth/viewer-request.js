import cf from 'cloudfront';
import crypto from 'crypto';

// Viewer-request CloudFront Function (runtime cloudfront-js-2.0) for PRIVATE registries, attached to
// the index/* and crates/* behaviours in place of crate-path.js (one viewer-request function per
// behaviour). It runs before the cache lookup, so cached index files and .crate files are protected too.
//
// Cargo (RFC 3139, "auth-required": true in config.json) sends the raw token in Authorization on
// config.json, every index file and every download. A missing or unknown token gets a 401 with a
// `WWW-Authenticate: Cargo login_url="..."` challenge: that is what makes cargo retry config.json with
// the token. Never 403: cargo treats 403 as a hard error.
//
// The associated KeyValueStore (kept in step with DynamoDB by token-sync/) holds one key per token that
// may read: key = lowercase hex SHA-256 of the token, value = {"e":<expiry, epoch seconds; 0 = never>}.
//
// Deployment replaces the LOGIN_URL value. This file deliberately contains no template-literal
// placeholders, so the inline FunctionCode can be wrapped in CloudFormation's !Sub.
const LOGIN_URL = '__LOGIN_URL__';

const kvs = cf.kvs();

async function handler(event) {
    return authorize(event.request, function (key) { return kvs.get(key); }, Math.floor(Date.now() / 1000));
}

// The whole decision, free of the `cloudfront` module so that tests can drive it.
// kvsGet(key) resolves to the stored string and rejects when the key does not exist.
async function authorize(request, kvsGet, nowSeconds) {
    var header = request.headers.authorization;
    var token = extractToken(header ? header.value : null);
    if (token === null) {
        return unauthorized('this registry requires a token: run `cargo login --registry <name>`');
    }
    var hash = crypto.createHash('sha256').update(token).digest('hex');
    var expiry;
    try {
        expiry = JSON.parse(await kvsGet(hash)).e;
    } catch (e) {
        // Unknown token (a missing key rejects) or an unreadable value: fail closed.
        return unauthorized('token rejected: run `cargo login --registry <name>` with a valid token');
    }
    if (typeof expiry !== 'number' || !(expiry === 0 || expiry > nowSeconds)) {
        return unauthorized('token expired or invalid: run `cargo login --registry <name>` with a valid token');
    }
    // The S3 origin (Origin Access Control signs the origin request itself) does not need the viewer's
    // Authorization header, and dropping it keeps the secret out of anything downstream.
    delete request.headers.authorization;
    if (request.uri.indexOf('/crates/') === 0) {
        // Same rewrite as infra/cloudfront/crate-path.js: S3 reads a literal '+' in a path as a space,
        // and cargo sends versions such as 1.0.0+build.5 raw.
        if (request.uri.indexOf('+') !== -1) {
            request.uri = request.uri.replace(/\+/g, '%2B');
        }
    }
    return request;
}

// Same rules as dev.cargoreg.core.tokens.Authenticator.extractToken: a raw token (what cargo sends),
// `Bearer <token>` or `Basic base64(user:<token>)`, scheme case-insensitive; null when absent or bad.
function extractToken(header) {
    if (typeof header !== 'string') {
        return null;
    }
    var h = header.trim();
    var lower = h.toLowerCase();
    if (lower.indexOf('bearer ') === 0) {
        h = h.substring(7).trim();
    } else if (lower.indexOf('basic ') === 0) {
        var b64 = h.substring(6).trim();
        var padded = b64.indexOf('=') !== -1;
        if (!/^[A-Za-z0-9+\/]*={0,2}$/.test(b64) || (padded ? b64.length % 4 !== 0 : b64.length % 4 === 1)) {
            return null;
        }
        var decoded = Buffer.from(b64, 'base64').toString('utf8');
        var colon = decoded.indexOf(':');
        h = colon >= 0 ? decoded.substring(colon + 1) : decoded;
    }
    return h.length === 0 || h.length > 512 ? null : h;
}

function unauthorized(message) {
    return {
        statusCode: 401,
        statusDescription: 'Unauthorized',
        headers: {
            'www-authenticate': { value: 'Cargo login_url="' + LOGIN_URL + '"' },
            'cache-control': { value: 'no-store' },
            'content-type': { value: 'text/plain; charset=utf-8' }
        },
        body: { encoding: 'text', data: message + '\n' }
    };
}
