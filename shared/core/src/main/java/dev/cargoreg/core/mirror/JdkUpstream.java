package dev.cargoreg.core.mirror;

import dev.cargoreg.core.port.Upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The upstream over the JDK's HttpClient (no library: it does HTTP/2, TLS and timeouts, and it is in every Lambda
 * runtime). The whole exchange, body included, must finish within the timeout, and a body is read only up to the cap.
 */
public final class JdkUpstream implements Upstream {
    /** crates.io asks crawlers and mirrors to say who they are. */
    static final String USER_AGENT = "cargo-registry-mirror/1 (serverless pull-through mirror of a Cargo registry)";

    /** Built at the first request: a function whose mirror is off (or a SnapStart snapshot) holds no client thread. */
    private volatile HttpClient client;

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                            .followRedirects(HttpClient.Redirect.NORMAL).build();
                }
                c = client;
            }
        }
        return c;
    }

    @Override
    public Response get(String url, String ifNoneMatch, long maxBytes, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET()
                .header("User-Agent", USER_AGENT);
        if (ifNoneMatch != null) {
            b.header("If-None-Match", ifNoneMatch);
        }
        CompletableFuture<Response> f = client().sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(r -> {
                    try (InputStream in = r.body()) {
                        long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
                        if (declared > maxBytes) {
                            throw new UpstreamFailure(url + " is " + declared + " bytes, over the mirror's limit of " + maxBytes, null);
                        }
                        byte[] body = readCapped(in, maxBytes, url);
                        return new Response(r.statusCode(), body, r.headers().firstValue("ETag").orElse(null));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        try {
            // the request timeout covers only the headers; this bounds the body too
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new UpstreamFailure(url + " did not answer within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamFailure("interrupted while fetching " + url, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            if (c instanceof UpstreamFailure failure) {
                throw failure;
            }
            if (c instanceof HttpTimeoutException) {
                throw new UpstreamFailure(url + " did not answer within " + timeout.toMillis() + " ms", c);
            }
            throw new UpstreamFailure(url + " could not be fetched: " + c, c);
        }
    }

    private static byte[] readCapped(InputStream in, long maxBytes, String url) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > maxBytes) {
                throw new UpstreamFailure(url + " is over the mirror's limit of " + maxBytes + " bytes", null);
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
