package dev.cargoreg.local.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * HTTP as the integration tests speak it to a registry, the runner process's or an in-process LocalRegistry's: a call
 * with an optional token and JSON body, a file of the sparse index as a client reads it, and the JSON that comes back.
 */
public final class RegistryHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private RegistryHttp() {
    }

    /**
     * {@code method url}, with {@code token} as the Authorization header and {@code body} as JSON (Content-Type
     * application/json); either left out when null.
     */
    public static HttpResponse<String> send(String method, String url, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** PUT {@code body} to {@code url} as {@code contentType} (a .crate, a publish body), with {@code token} unless null. */
    public static HttpResponse<String> put(String url, String token, String contentType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET {@code url} as bytes (a tarball, a conditional request), with {@code headers} as name, value pairs. */
    public static HttpResponse<byte[]> getBytes(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** GET {@code url}, with {@code token} as the Authorization header unless it is null. */
    public static HttpResponse<String> get(String url, String token) throws IOException, InterruptedException {
        return send("GET", url, token, null);
    }

    /** The sparse index's base URL from what cargo is configured with ({@code sparse+http://…/}). */
    public static String indexBase(String sparseIndex) {
        return sparseIndex.replaceFirst("^sparse\\+", "");
    }

    /** Each line of an index file, parsed. */
    public static List<JsonNode> jsonLines(String indexFile) {
        return indexFile.lines().map(RegistryHttp::json).toList();
    }

    /** {@code text} parsed as JSON. */
    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The secret of the token in an answer that created a user or a token: {@code api_token.token}. */
    public static String apiToken(String answer) {
        return json(answer).get("api_token").get("token").asText();
    }
}
