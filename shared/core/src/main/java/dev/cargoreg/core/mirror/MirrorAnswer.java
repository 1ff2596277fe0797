package dev.cargoreg.core.mirror;

import dev.cargoreg.core.Digests;
import dev.cargoreg.core.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What the mirror answers for one path: the bytes with their headers, or a refusal with cargo's error body.
 * {@code outcome} says what happened (hit, miss, revalidated, stale, refused, error…) for logs and the X-Mirror header.
 */
public record MirrorAnswer(int status, byte[] body, String contentType, String cacheControl, String etag, String outcome,
                           String location) {

    /** An answer without a Location header. */
    public MirrorAnswer(int status, byte[] body, String contentType, String cacheControl, String etag, String outcome) {
        this(status, body, contentType, cacheControl, etag, outcome, null);
    }

    /**
     * A 307 to the CDN path of what was just stored (a path, so the same host and cargo keeps its Authorization header):
     * the S3 origin serves it, so a file too large for a Lambda response still reaches cargo. Never cached.
     */
    static MirrorAnswer redirect(String path, String outcome) {
        return new MirrorAnswer(307, new byte[0], null, "no-store", null, outcome, path);
    }

    static MirrorAnswer ok(byte[] body, String contentType, String cacheControl, String outcome) {
        return new MirrorAnswer(200, body, contentType, cacheControl,
                "\"" + Digests.sha256Hex(body).substring(0, 32) + "\"", outcome);
    }

    public static MirrorAnswer error(int status, String detail, String outcome) {
        byte[] body = Json.write(Map.of("errors", List.of(Map.of("detail", detail)))).getBytes(StandardCharsets.UTF_8);
        return new MirrorAnswer(status, body, "application/json", "no-store", null, outcome);
    }

    /** The refusal's detail, for tests and logs; null for a 200. */
    public String detail() {
        if (status == 200) {
            return null;
        }
        try {
            return Json.readTree(body).path("errors").path(0).path("detail").asText();
        } catch (IOException e) {
            return null;
        }
    }
}
