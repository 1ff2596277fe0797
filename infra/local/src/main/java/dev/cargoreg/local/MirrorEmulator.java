package dev.cargoreg.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.cargoreg.core.mirror.MirrorAnswer;
import dev.cargoreg.core.mirror.MirrorService;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.tokens.Authenticator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * /mirror/… as the CloudFront behaviours of the mirror serve it: a cached .crate straight from the bucket (no
 * compute), anything else (index files, whose TTL the function checks, and .crate misses) through the mirror
 * function's code. The same edge auth as the private index when the registry is private.
 */
final class MirrorEmulator implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(MirrorEmulator.class.getName());

    private final MirrorService mirror;
    private final BlobStore blobs;
    private final Authenticator authenticator;
    private final String loginUrl;

    /** @param authenticator null for a public registry */
    MirrorEmulator(MirrorService mirror, BlobStore blobs, Authenticator authenticator, String loginUrl) {
        this.mirror = mirror;
        this.blobs = blobs;
        this.authenticator = authenticator;
        this.loginUrl = loginUrl;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                serve(ex);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "serving " + ex.getRequestURI() + " failed", e);
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                ex.sendResponseHeaders(502, -1);
            }
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            ex.sendResponseHeaders(405, -1);
            return;
        }
        if (authenticator != null) {
            String header = ex.getRequestHeaders().getFirst("Authorization");
            if (!authenticator.resolve(header, true).authenticated()) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Cargo login_url=\"" + loginUrl + "\"");
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                send(ex, method, 401, "text/plain; charset=utf-8", null,
                        "this registry needs a token\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        String key = PathCodec.decode(ex.getRequestURI().getRawPath()).substring(1);
        MirrorAnswer answer;
        if (key.startsWith(MirrorService.INDEX_PREFIX)) {
            answer = mirror.index(key.substring(MirrorService.INDEX_PREFIX.length()));
        } else if (key.startsWith(MirrorService.CRATES_PREFIX) && !key.contains("..")) {
            // In AWS a policy change moves refused cached crates out of what S3 serves (MirrorPolicyService); here the
            // same decision is also asked before the bucket answers, so a crate cached before its name became private
            // (published under an allowed name, or reserved by configuration) is refused too.
            MirrorAnswer refused = mirror.cachedCrateRefusal(key.substring(MirrorService.CRATES_PREFIX.length()));
            Optional<BlobStore.Blob> cached = refused != null ? Optional.empty() : blobs.get(key);
            answer = refused != null ? refused : cached.isPresent()
                    ? new MirrorAnswer(200, cached.get().body(), cached.get().info().contentType(), cached.get().info().cacheControl(),
                    cached.get().info().etag() == null ? null : "\"" + cached.get().info().etag().replace("\"", "") + "\"", "cdn-hit")
                    : mirror.crate(key.substring(MirrorService.CRATES_PREFIX.length()));
        } else {
            answer = MirrorAnswer.error(404, "not a path of the mirror", "bad-path");
        }
        ex.getResponseHeaders().set("X-Mirror", answer.outcome());
        if (answer.cacheControl() != null) {
            ex.getResponseHeaders().set("Cache-Control", answer.cacheControl());
        }
        if (answer.location() != null) {
            // a .crate over the function's response limit: stored, and served from the bucket at the same path
            ex.getResponseHeaders().set("Location", answer.location());
        }
        String inm = ex.getRequestHeaders().getFirst("If-None-Match");
        if (answer.status() == 200 && answer.etag() != null && inm != null && inm.replace("W/", "").contains(answer.etag())) {
            ex.getResponseHeaders().set("ETag", answer.etag());
            ex.sendResponseHeaders(304, -1);
            return;
        }
        send(ex, method, answer.status(), answer.contentType(), answer.etag(), answer.body());
    }

    private static void send(HttpExchange ex, String method, int status, String contentType, String etag, byte[] body) throws IOException {
        var h = ex.getResponseHeaders();
        if (contentType != null) {
            h.set("Content-Type", contentType);
        }
        if (etag != null) {
            h.set("ETag", etag);
        }
        if (method.equals("HEAD")) {
            h.set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }
}
