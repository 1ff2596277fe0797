// Viewer-request CloudFront Function (runtime cloudfront-js-2.0) on the api/v1/crates/new behaviour (cargo publish).
// A synchronous Lambda invocation carries at most 6 MiB, and API Gateway hands cargo's body (no Content-Type) to the
// function base64-encoded, a third larger, beside the headers and request context. A larger body never reaches the
// publish function: API Gateway answers with its own error, which cargo cannot explain. This refuses it here, from
// the Content-Length that cargo sends, with cargo's error body. The .crate and its metadata (the readme included)
// share the limit. Keep this file and the inline FunctionCode of PublishLimitFunction in template.yaml byte-identical.
var MAX_BODY_BYTES = 4706304; // (6 MiB - 16 KiB for the event's headers and context) * 3 / 4

function handler(event) {
    var request = event.request;
    var header = request.headers['content-length'];
    var length = header ? parseInt(header.value, 10) : NaN;
    if (length > MAX_BODY_BYTES) {
        return {
            statusCode: 413,
            statusDescription: 'Payload Too Large',
            headers: {
                'content-type': { value: 'application/json' },
                'cache-control': { value: 'no-store' }
            },
            body: {
                encoding: 'text',
                data: JSON.stringify({ errors: [{ detail: 'the publish request is ' + length + ' bytes, more than the '
                    + MAX_BODY_BYTES + ' bytes that API Gateway can hand to a Lambda function (the .crate file plus '
                    + 'its metadata, readme included): make the package smaller (`cargo package --list` shows what it '
                    + 'holds; `exclude` in Cargo.toml leaves files out) or the readme shorter, or push it as a file '
                    + '(up to the registry\'s crate limit, 10 MiB by default): `cargo package`, then `registry-admin '
                    + 'push target/package/<name>-<version>.crate`' }] })
            }
        };
    }
    return request;
}
