package dev.cargoreg.local;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;

/**
 * How the local edge (CdnEmulator, MirrorEmulator) writes what it serves: the object's Content-Type and ETag with its
 * bytes, a HEAD with the Content-Length and no body, and a 304 that repeats the ETag.
 */
final class ObjectResponder {
    private ObjectResponder() {
    }

    /**
     * A bucket object's ETag as an HTTP entity tag: S3 gives it in double quotes, which are added where they are
     * missing. Null stays null.
     */
    static String entityTag(String etag) {
        return etag == null ? null : etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    /**
     * Whether the request's If-None-Match names {@code etag} (weak comparison: {@code W/} ignored) or is {@code *}:
     * then the answer is a 304. False without the header or without an ETag.
     */
    static boolean ifNoneMatchHolds(HttpExchange ex, String etag) {
        String inm = ex.getRequestHeaders().getFirst("If-None-Match");
        if (inm == null || etag == null) {
            return false;
        }
        for (String candidate : inm.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals("*") || c.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code status} with {@code body} (only its length for a HEAD); Content-Type and ETag when not null. Headers set
     * before (Cache-Control…) go out with it.
     */
    static void send(HttpExchange ex, String method, int status, String contentType, String etag, byte[] body) throws IOException {
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

    /** 304 Not Modified, no body, with the ETag the client's copy matched (none when null). */
    static void notModified(HttpExchange ex, String etag) throws IOException {
        if (etag != null) {
            ex.getResponseHeaders().set("ETag", etag);
        }
        ex.sendResponseHeaders(304, -1);
    }
}
