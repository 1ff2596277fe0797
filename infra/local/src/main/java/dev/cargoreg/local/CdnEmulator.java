package dev.cargoreg.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.cargoreg.core.downloads.AccessLogWriter;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.tokens.Authenticator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Serves /index/… and /crates/… from the bucket the way CloudFront in front of S3 does: the object's own
 * Content-Type, Cache-Control and user metadata (x-amz-meta-*), ETag and Last-Modified, 304 for If-None-Match /
 * If-Modified-Since, 404 (not 403) for what is missing, 403 for what the bucket policy keeps from it. Like a CDN it keeps copies, for at most a second (the
 * index's max-age) and until invalidated; like the distribution, it keeps no miss.
 */
final class CdnEmulator implements HttpHandler, CdnInvalidator {
    private static final Logger LOG = Logger.getLogger(CdnEmulator.class.getName());
    private static final long TTL_NANOS = 1_000_000_000L;
    private static final byte[] NOT_FOUND = "not found\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DENIED = "access denied\n".getBytes(StandardCharsets.UTF_8);

    private final BlobStore blobs;
    /** The method check, and the token check once {@link #requireTokens} made the registry private. */
    private volatile EdgeGate gate;
    /** Where each answered request is logged, as CloudFront's standard logging does; null: not logged. */
    private volatile CdnAccessLog accessLog;
    private final String loginUrl;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Optional<BlobStore.Blob> blob, long fetchedAt, boolean immutable) {
    }

    CdnEmulator(BlobStore blobs, String loginUrl) {
        this.blobs = blobs;
        this.loginUrl = loginUrl;
        this.gate = new EdgeGate(null, loginUrl, true);
    }

    /** Logs every request from now on (docs/downloads.md). */
    void logTo(CdnAccessLog log) {
        this.accessLog = log;
    }

    /** A private registry: every read needs a valid token, checked as the edge function checks it. */
    void requireTokens(Authenticator authenticator) {
        this.gate = new EdgeGate(authenticator, loginUrl, true);
    }

    @Override
    public void invalidate(Collection<String> paths) {
        for (String p : paths) {
            cache.keySet().removeIf(k -> covers(p, k));
        }
    }

    /** Whether invalidation path {@code path} (CloudFront's form: a leading '/', a trailing '*' as wildcard) covers {@code key}. */
    static boolean covers(String path, String key) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.endsWith("*") ? key.startsWith(p.substring(0, p.length() - 1)) : key.equals(p);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            EdgeGate.serveOr502(ex, LOG, this::serve);
            log(ex);
        }
    }

    /** The request as CloudFront's log has it: time, client, method, host, path, status, bytes, user agent. */
    private void log(HttpExchange ex) {
        CdnAccessLog log = accessLog;
        if (log == null) {
            return;
        }
        String length = ex.getResponseHeaders().getFirst("Content-Length");
        long bytes = 0;
        try {
            bytes = length == null ? 0 : Long.parseLong(length);
        } catch (NumberFormatException ignored) {
            // logged as 0
        }
        String host = ex.getRequestHeaders().getFirst("Host");
        String path;
        try {
            path = PathCodec.decode(ex.getRequestURI().getRawPath());
        } catch (RuntimeException malformed) {
            path = ex.getRequestURI().getRawPath();
        }
        log.record(new AccessLogWriter.Entry(Instant.now(), ex.getRemoteAddress().getAddress().getHostAddress(),
                ex.getRequestMethod(), host == null ? "-" : host, path, ex.getResponseCode(), bytes,
                ex.getRequestHeaders().getFirst("User-Agent")));
    }

    private void serve(HttpExchange ex) throws IOException {
        String method = gate.admit(ex);
        if (method == null) {
            return;
        }
        String key = PathCodec.decode(ex.getRequestURI().getRawPath()).substring(1);
        if (denied(key)) {
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ObjectResponder.send(ex, method, 403, "text/plain; charset=utf-8", null, DENIED);
            return;
        }
        Optional<BlobStore.Blob> blob = valid(key) ? lookup(key) : Optional.empty();
        if (blob.isEmpty()) {
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ObjectResponder.send(ex, method, 404, "text/plain; charset=utf-8", null, NOT_FOUND);
            return;
        }
        BlobStore.BlobInfo info = blob.get().info();
        String etag = ObjectResponder.entityTag(info.etag());
        Instant modified = info.lastModified() == null ? null : info.lastModified().truncatedTo(ChronoUnit.SECONDS);
        var h = ex.getResponseHeaders();
        if (modified != null) {
            h.set("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(modified.atZone(ZoneOffset.UTC)));
        }
        if (info.cacheControl() != null) {
            h.set("Cache-Control", info.cacheControl());
        }
        // S3 answers an object's user metadata as x-amz-meta-* headers, and CloudFront passes them on (the web UI
        // reads a kept readme's x-amz-meta-sha256)
        info.metadata().forEach((name, value) -> h.set("x-amz-meta-" + name, value));
        if (notModified(ex, etag, modified)) {
            ObjectResponder.notModified(ex, etag);
            return;
        }
        ObjectResponder.send(ex, method, 200, info.contentType() == null ? "application/octet-stream" : info.contentType(), etag,
                blob.get().body());
    }

    private Optional<BlobStore.Blob> lookup(String key) {
        long now = System.nanoTime();
        Cached c = cache.get(key);
        if (c != null && (c.immutable() || now - c.fetchedAt() < TTL_NANOS)) {
            return c.blob();
        }
        Optional<BlobStore.Blob> fresh = blobs.get(key);
        if (fresh.isEmpty()) {
            // a miss is not kept, as the distribution keeps no error (ErrorCachingMinTTL 0 in template.yaml)
            cache.remove(key);
            return fresh;
        }
        cache.put(key, new Cached(fresh, now, key.startsWith("crates/")));
        return fresh;
    }

    private static boolean valid(String key) {
        return (key.startsWith("index/") || key.startsWith("crates/")) && !key.endsWith("/") && !key.contains("//")
                && !key.contains("..");
    }

    /** The README text publish stores is not served: the bucket policy denies the distribution `crates/*.readme`. */
    private static boolean denied(String key) {
        return key.startsWith("crates/") && key.endsWith(".readme");
    }

    private static boolean notModified(HttpExchange ex, String etag, Instant modified) {
        if (ex.getRequestHeaders().getFirst("If-None-Match") != null) {
            return ObjectResponder.ifNoneMatchHolds(ex, etag);
        }
        String ims = ex.getRequestHeaders().getFirst("If-Modified-Since");
        if (ims != null && modified != null) {
            try {
                Instant since = ZonedDateTime.parse(ims.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return !modified.isAfter(since);
            } catch (DateTimeParseException ignored) {
                return false;
            }
        }
        return false;
    }
}
