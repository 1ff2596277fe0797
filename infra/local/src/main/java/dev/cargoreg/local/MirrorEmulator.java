package dev.cargoreg.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.cargoreg.core.mirror.MirrorAnswer;
import dev.cargoreg.core.mirror.MirrorService;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.tokens.Authenticator;

import java.io.IOException;
import java.util.Optional;
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
    private final EdgeGate gate;

    /** @param authenticator null for a public registry */
    MirrorEmulator(MirrorService mirror, BlobStore blobs, Authenticator authenticator, String loginUrl) {
        this.mirror = mirror;
        this.blobs = blobs;
        this.gate = new EdgeGate(authenticator, loginUrl, false);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            EdgeGate.serveOr502(ex, LOG, this::serve);
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        String method = gate.admit(ex);
        if (method == null) {
            return;
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
                    ObjectResponder.entityTag(cached.get().info().etag()), "cdn-hit")
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
        if (answer.status() == 200 && ObjectResponder.ifNoneMatchHolds(ex, answer.etag())) {
            ObjectResponder.notModified(ex, answer.etag());
            return;
        }
        ObjectResponder.send(ex, method, answer.status(), answer.contentType(), answer.etag(), answer.body());
    }
}
