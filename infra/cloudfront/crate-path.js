// Viewer-request CloudFront Function (runtime cloudfront-js-2.0) on the /crates/* behaviour.
// Cargo puts the version into the download URL raw, so 1.0.0+build.5 arrives as a literal '+',
// and S3 decodes a '+' in the path as a space (wrong key, 404). Sending it on as %2B fixes that.
// Keep this file and the inline FunctionCode of CratePathFunction in template.yaml byte-identical.
function handler(event) {
    var request = event.request;
    if (request.uri.indexOf('+') !== -1) {
        request.uri = request.uri.replace(/\+/g, '%2B');
    }
    return request;
}
