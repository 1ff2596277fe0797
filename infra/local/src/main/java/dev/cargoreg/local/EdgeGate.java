package dev.cargoreg.local;

import com.sun.net.httpserver.HttpExchange;
import dev.cargoreg.core.tokens.Authenticator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The local edge's gate in front of the bucket (CdnEmulator) and the mirror (MirrorEmulator): only GET and HEAD pass
 * (405 with Allow otherwise), and in a private registry only a request whose token the authenticator accepts, the
 * rest refused as the CloudFront Function of a private registry refuses it: 401 with cargo's challenge, never cached,
 * nothing revealed.
 */
final class EdgeGate {
    private final Authenticator authenticator;
    private final String loginUrl;
    private final boolean tellsRejectedToken;

    /**
     * @param authenticator      null for a public registry: only the method is checked
     * @param loginUrl           what cargo's {@code WWW-Authenticate: Cargo login_url="…"} challenge names
     * @param tellsRejectedToken whether the 401's text tells a token that was sent but not accepted from a missing one
     *                           (the CDN does; the mirror always says a token is needed)
     */
    /** What the edge runs for a request: the gate, then the origin's answer. */
    interface Origin {
        void serve(HttpExchange ex) throws IOException;
    }

    /**
     * Runs {@code origin} for the request; a failure of its code is logged and answered 502 (no-store), which cargo
     * retries, as it would an origin error behind CloudFront. The exchange stays open for the caller to close.
     */
    static void serveOr502(HttpExchange ex, Logger log, Origin origin) throws IOException {
        try {
            origin.serve(ex);
        } catch (RuntimeException e) {
            log.log(Level.SEVERE, "serving " + ex.getRequestURI() + " failed", e);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(502, -1);
        }
    }

    EdgeGate(Authenticator authenticator, String loginUrl, boolean tellsRejectedToken) {
        this.authenticator = authenticator;
        this.loginUrl = loginUrl;
        this.tellsRejectedToken = tellsRejectedToken;
    }

    /**
     * Reads and drops the request body, then lets the request through or answers it with the refusal.
     *
     * @return the request's method in upper case when it may be served; null when the refusal has been sent
     */
    String admit(HttpExchange ex) throws IOException {
        ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            ex.sendResponseHeaders(405, -1);
            return null;
        }
        if (authenticator != null) {
            // the same rule as the CloudFront Function of a private registry: 401 with cargo's challenge, nothing revealed
            String header = ex.getRequestHeaders().getFirst("Authorization");
            if (!authenticator.resolve(header, true).authenticated()) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Cargo login_url=\"" + loginUrl + "\"");
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                String text = header != null && tellsRejectedToken ? "the token was not accepted\n" : "this registry needs a token\n";
                ObjectResponder.send(ex, method, 401, "text/plain; charset=utf-8", null, text.getBytes(StandardCharsets.UTF_8));
                return null;
            }
        }
        return method;
    }
}
