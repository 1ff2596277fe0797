package dev.cargoreg.aws.internal;

import dev.cargoreg.core.port.CdnInvalidator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks CloudFront to drop cached copies of changed paths: CloudFront's CreateInvalidation, the one CloudFront call the
 * registry makes, as one SigV4-signed POST. Signed by the SDK's own signer and sent by the SDK's URL-connection
 * client (both in every function jar already) instead of the SDK's CloudFront client: that module is 5.3 MB and
 * 3,000 classes for this one call, and the admin jar fits the 15 MB budget only without it. The request is the one
 * the SDK's client sends (CloudFrontInvalidatorTest compares them byte for byte).
 */
public final class CloudFrontInvalidator implements CdnInvalidator {
    /** CloudFront's global endpoint; it signs for us-east-1 whatever the function's region. */
    static final URI GLOBAL_ENDPOINT = URI.create("https://cloudfront.amazonaws.com");
    private static final String API = "2020-05-31";
    private static final int ATTEMPTS = 3;
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final URI endpoint;
    private final String distributionId;

    public CloudFrontInvalidator(SdkHttpClient http, AwsCredentialsProvider credentials, URI endpoint, String distributionId) {
        this.http = http;
        this.credentials = credentials;
        this.endpoint = endpoint;
        this.distributionId = distributionId;
    }

    /** The endpoint the SDK's client would use: AWS_ENDPOINT_URL_CLOUDFRONT, else AWS_ENDPOINT_URL, else the global one. */
    public static URI endpoint(Map<String, String> env) {
        for (String name : List.of("AWS_ENDPOINT_URL_CLOUDFRONT", "AWS_ENDPOINT_URL")) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                return URI.create(v.strip());
            }
        }
        return GLOBAL_ENDPOINT;
    }

    @Override
    public void invalidate(Collection<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        // The caller reference is made per call, never at init: nothing unique may be captured in a SnapStart snapshot.
        // The same reference on a retry makes CloudFront answer with the invalidation it already has, not a second one.
        createInvalidation(cachedPaths(paths), UUID.randomUUID().toString());
    }

    void createInvalidation(List<String> items, String reference) {
        byte[] body = body(items, reference).getBytes(StandardCharsets.UTF_8);
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1) {
                pause(attempt);
            }
            try {
                Answer answer = send(body);
                if (answer.status() / 100 == 2) {
                    return;
                }
                last = new IllegalStateException("CloudFront CreateInvalidation for " + distributionId + ": HTTP "
                        + answer.status() + " " + first(CODE, answer.body()) + ": " + first(MESSAGE, answer.body()));
                // what the SDK's standard retry mode retries: throttling and server errors; a 4xx will not change
                if (answer.status() < 500 && answer.status() != 429 && !answer.body().contains("<Code>Throttling")) {
                    throw last;
                }
            } catch (UncheckedIOException e) {
                last = e;
            }
        }
        throw last;
    }

    private record Answer(int status, String body) {
    }

    private Answer send(byte[] body) {
        String base = endpoint.toString().replaceAll("/+$", "");
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create(base + "/" + API + "/distribution/" + distributionId + "/invalidation"))
                .putHeader("Content-Type", "application/xml")
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "cloudfront")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            String text = "";
            if (response.responseBody().isPresent()) {
                try (InputStream in = response.responseBody().get()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return new Answer(response.httpResponse().statusCode(), text);
        } catch (IOException e) {
            throw new UncheckedIOException("CloudFront CreateInvalidation for " + distributionId + " not answered", e);
        }
    }

    /** The request body, as the SDK's CloudFront client marshals an InvalidationBatch. */
    static String body(List<String> items, String reference) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                .append("<InvalidationBatch xmlns=\"http://cloudfront.amazonaws.com/doc/").append(API).append("/\">")
                .append("<Paths><Quantity>").append(items.size()).append("</Quantity><Items>");
        for (String item : items) {
            b.append("<Path>").append(xml(item)).append("</Path>");
        }
        return b.append("</Items></Paths><CallerReference>").append(xml(reference))
                .append("</CallerReference></InvalidationBatch>").toString();
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : "(no " + p.pattern().substring(1, p.pattern().indexOf('>')) + ")";
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(100L << (attempt - 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying CloudFront CreateInvalidation", e);
        }
    }

    /**
     * The paths as CloudFront caches them. The viewer-request function on /crates/* (infra/cloudfront/crate-path.js)
     * rewrites `+` to `%2B` before the cache lookup, so a `+build` tarball is cached under the `%2B` form; CloudFront
     * asks for both URIs when a viewer-request function changes the URI. Index paths never contain `+`.
     */
    static List<String> cachedPaths(Collection<String> paths) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : paths) {
            out.add(p);
            if (p.indexOf('+') >= 0) {
                out.add(p.replace("+", "%2B"));
            }
        }
        return List.copyOf(out);
    }
}
