package dev.cargoreg.embedded.s3;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small S3-compatible HTTP server on loopback, on the JDK's own HTTP server: the subset of the S3 REST API the
 * registry's S3 adapter and its tests call, path-style, over {@link FileObjectStore}.
 *
 * <ul>
 *   <li>buckets: CreateBucket, HeadBucket, DeleteBucket, ListBuckets, ListObjectsV2 (and V1) with prefix, delimiter,
 *       max-keys, start-after / marker, continuation tokens and {@code encoding-type=url};</li>
 *   <li>objects: PutObject (with {@code If-None-Match: *} and {@code If-Match}, {@code Content-MD5}, {@code aws-chunked}
 *       bodies), GetObject and HeadObject (with {@code If-Match} / {@code If-None-Match}), DeleteObject;</li>
 *   <li>S3's status codes and XML error bodies (404 NoSuchKey / NoSuchBucket, 412 PreconditionFailed, 409
 *       BucketAlreadyOwnedByYou / BucketNotEmpty, 400 …); anything else answers 501 NotImplemented.</li>
 * </ul>
 * No authentication: requests are not signature-checked (the server listens on 127.0.0.1 only).
 */
public final class S3Server implements AutoCloseable {
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** Object headers S3 stores and returns as they were sent. */
    private static final List<String> STORED = List.of("content-type", "cache-control", "content-disposition",
            "content-encoding", "content-language", "expires");
    /** Sub-resources this server does not implement: answering them as plain object or bucket calls would lie. */
    private static final Set<String> UNSUPPORTED = Set.of("acl", "tagging", "uploads", "uploadId", "versioning",
            "versionId", "versions", "policy", "cors", "lifecycle", "website", "logging", "notification", "replication",
            "encryption", "object-lock", "retention", "legal-hold", "attributes", "restore", "select", "torrent",
            "delete", "accelerate", "requestPayment", "ownershipControls", "publicAccessBlock", "analytics",
            "inventory", "metrics", "intelligent-tiering", "partNumber", "location");

    private final FileObjectStore store;
    private final HttpServer http;
    private final ExecutorService executor;

    private S3Server(FileObjectStore store, HttpServer http, ExecutorService executor) {
        this.store = store;
        this.http = http;
        this.executor = executor;
    }

    /**
     * Starts on 127.0.0.1 and {@code port} (0: any free port). Its threads are daemon threads: a server nobody closed
     * never keeps the JVM alive.
     */
    public static S3Server start(FileObjectStore store, int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "s3-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        S3Server server = new S3Server(store, http, executor);
        http.createContext("/", server::handle);
        http.setExecutor(executor);
        // The JDK server's dispatcher thread inherits daemon-ness from the thread that starts it.
        Thread starter = new Thread(http::start, "s3-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", e);
        }
        return server;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    // ---- routing ----

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            try {
                route(x);
            } catch (S3Error e) {
                error(x, e.status, e.code, e.getMessage());
            } catch (IOException | RuntimeException e) {
                error(x, 500, "InternalError", String.valueOf(e.getMessage()));
            }
        }
    }

    private void route(HttpExchange x) throws IOException, S3Error {
        String method = x.getRequestMethod().toUpperCase(Locale.ROOT);
        String rawPath = x.getRequestURI().getRawPath();
        Map<String, String> query = query(x.getRequestURI().getRawQuery());
        for (String q : query.keySet()) {
            if (UNSUPPORTED.contains(q)) {
                throw new S3Error(501, "NotImplemented", "this emulator does not implement ?" + q);
            }
        }
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        if (path.equals("/")) {
            if (method.equals("GET")) {
                listBuckets(x);
                return;
            }
            throw new S3Error(405, "MethodNotAllowed", "method not allowed on /");
        }
        int slash = path.indexOf('/', 1);
        String bucket = decode(slash < 0 ? path.substring(1) : path.substring(1, slash));
        String key = slash < 0 || slash == path.length() - 1 ? null : decode(path.substring(slash + 1));
        if (!FileObjectStore.validBucket(bucket)) {
            throw new S3Error(400, "InvalidBucketName", "the bucket name is not valid: " + bucket);
        }
        if (key == null) {
            switch (method) {
                case "PUT" -> createBucket(x, bucket);
                case "HEAD" -> {
                    requireBucket(bucket);
                    x.sendResponseHeaders(200, -1);
                }
                case "GET" -> list(x, bucket, query);
                case "DELETE" -> deleteBucket(x, bucket);
                default -> throw new S3Error(501, "NotImplemented", method + " on a bucket is not implemented");
            }
            return;
        }
        if (key.length() > 1024) {
            throw new S3Error(400, "KeyTooLongError", "keys are at most 1024 characters");
        }
        switch (method) {
            case "PUT" -> putObject(x, bucket, key);
            case "GET" -> getObject(x, bucket, key, true);
            case "HEAD" -> getObject(x, bucket, key, false);
            case "DELETE" -> {
                requireBucket(bucket);
                store.delete(bucket, key);
                x.sendResponseHeaders(204, -1);
            }
            default -> throw new S3Error(501, "NotImplemented", method + " on an object is not implemented");
        }
    }

    // ---- buckets ----

    private void listBuckets(HttpExchange x) throws IOException {
        StringBuilder b = xml("ListAllMyBucketsResult").append("<Owner><ID>local</ID><DisplayName>local</DisplayName></Owner><Buckets>");
        for (String name : store.buckets()) {
            b.append("<Bucket><Name>").append(text(name)).append("</Name><CreationDate>")
                    .append(ISO.format(Instant.EPOCH)).append("</CreationDate></Bucket>");
        }
        send(x, 200, b.append("</Buckets></ListAllMyBucketsResult>"));
    }

    private void createBucket(HttpExchange x, String bucket) throws IOException, S3Error {
        drain(x.getRequestBody()); // an optional CreateBucketConfiguration
        if (!store.createBucket(bucket)) {
            throw new S3Error(409, "BucketAlreadyOwnedByYou", "you already own bucket " + bucket);
        }
        x.getResponseHeaders().set("Location", "/" + bucket);
        x.sendResponseHeaders(200, -1);
    }

    private void deleteBucket(HttpExchange x, String bucket) throws IOException, S3Error {
        requireBucket(bucket);
        if (!store.deleteBucket(bucket)) {
            throw new S3Error(409, "BucketNotEmpty", "the bucket you tried to delete is not empty");
        }
        x.sendResponseHeaders(204, -1);
    }

    private void requireBucket(String bucket) throws S3Error {
        if (!store.bucketExists(bucket)) {
            throw new S3Error(404, "NoSuchBucket", "the specified bucket does not exist: " + bucket);
        }
    }

    private void list(HttpExchange x, String bucket, Map<String, String> q) throws IOException, S3Error {
        requireBucket(bucket);
        boolean v2 = "2".equals(q.get("list-type"));
        String prefix = q.getOrDefault("prefix", "");
        String delimiter = q.get("delimiter");
        if (delimiter != null && delimiter.isEmpty()) {
            delimiter = null;
        }
        boolean url = "url".equals(q.get("encoding-type"));
        int maxKeys = 1000;
        if (q.containsKey("max-keys")) {
            try {
                maxKeys = Math.max(0, Math.min(1000, Integer.parseInt(q.get("max-keys"))));
            } catch (NumberFormatException e) {
                throw new S3Error(400, "InvalidArgument", "max-keys must be an integer");
            }
        }
        String after = v2 ? q.get("start-after") : q.get("marker");
        String token = v2 ? q.get("continuation-token") : null;
        if (token != null) {
            try {
                after = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new S3Error(400, "InvalidArgument", "the continuation token provided is incorrect");
            }
        }
        byte[] afterBytes = after == null ? null : after.getBytes(StandardCharsets.UTF_8);
        List<FileObjectStore.StoredObject> contents = new ArrayList<>();
        Set<String> prefixes = new TreeSet<>();
        boolean truncated = false;
        String last = null;
        for (FileObjectStore.StoredObject o : store.list(bucket, prefix)) {
            if (afterBytes != null && Arrays.compareUnsigned(o.key().getBytes(StandardCharsets.UTF_8), afterBytes) <= 0) {
                continue;
            }
            String common = null;
            if (delimiter != null) {
                int d = o.key().indexOf(delimiter, prefix.length());
                if (d >= 0) {
                    common = o.key().substring(0, d + delimiter.length());
                }
            }
            if (common != null && prefixes.contains(common)) {
                last = o.key();
                continue;
            }
            if (contents.size() + prefixes.size() >= maxKeys) {
                truncated = true;
                break;
            }
            if (common != null) {
                prefixes.add(common);
            } else {
                contents.add(o);
            }
            last = o.key();
        }
        StringBuilder b = xml("ListBucketResult").append("<Name>").append(text(bucket)).append("</Name>")
                .append("<Prefix>").append(text(enc(prefix, url))).append("</Prefix>")
                .append("<MaxKeys>").append(maxKeys).append("</MaxKeys>");
        if (delimiter != null) {
            b.append("<Delimiter>").append(text(enc(delimiter, url))).append("</Delimiter>");
        }
        if (url) {
            b.append("<EncodingType>url</EncodingType>");
        }
        b.append("<IsTruncated>").append(truncated).append("</IsTruncated>");
        if (v2) {
            b.append("<KeyCount>").append(contents.size() + prefixes.size()).append("</KeyCount>");
            if (q.get("continuation-token") != null) {
                b.append("<ContinuationToken>").append(text(q.get("continuation-token"))).append("</ContinuationToken>");
            }
            if (q.get("start-after") != null) {
                b.append("<StartAfter>").append(text(enc(q.get("start-after"), url))).append("</StartAfter>");
            }
            if (truncated) {
                b.append("<NextContinuationToken>")
                        .append(Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)))
                        .append("</NextContinuationToken>");
            }
        } else {
            b.append("<Marker>").append(text(enc(q.getOrDefault("marker", ""), url))).append("</Marker>");
            if (truncated) {
                b.append("<NextMarker>").append(text(enc(last, url))).append("</NextMarker>");
            }
        }
        for (FileObjectStore.StoredObject o : contents) {
            b.append("<Contents><Key>").append(text(enc(o.key(), url))).append("</Key><LastModified>")
                    .append(ISO.format(Instant.ofEpochMilli(o.lastModified()))).append("</LastModified><ETag>")
                    .append(text(o.etag())).append("</ETag><Size>").append(o.size())
                    .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }
        for (String p : prefixes) {
            b.append("<CommonPrefixes><Prefix>").append(text(enc(p, url))).append("</Prefix></CommonPrefixes>");
        }
        send(x, 200, b.append("</ListBucketResult>"));
    }

    // ---- objects ----

    private void putObject(HttpExchange x, String bucket, String key) throws IOException, S3Error {
        Headers h = x.getRequestHeaders();
        if (h.getFirst("x-amz-copy-source") != null) {
            throw new S3Error(501, "NotImplemented", "CopyObject is not implemented");
        }
        requireBucket(bucket);
        byte[] raw = x.getRequestBody().readAllBytes();
        String sha = h.getFirst("x-amz-content-sha256");
        String encoding = h.getFirst("Content-Encoding");
        boolean chunked = (sha != null && sha.startsWith("STREAMING-"))
                || (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("aws-chunked"));
        byte[] body = chunked ? decodeAwsChunked(raw) : raw;
        String decodedLength = h.getFirst("x-amz-decoded-content-length");
        if (decodedLength != null && Long.parseLong(decodedLength.trim()) != body.length) {
            throw new S3Error(400, "IncompleteBody", "the body is shorter or longer than x-amz-decoded-content-length");
        }
        String md5 = h.getFirst("Content-MD5");
        if (md5 != null && !md5.equals(Base64.getEncoder().encodeToString(digest("MD5", body)))) {
            throw new S3Error(400, "BadDigest", "the Content-MD5 you specified did not match what was received");
        }
        Map<String, String> stored = new LinkedHashMap<>();
        for (String name : STORED) {
            String v = h.getFirst(name);
            if (name.equals("content-encoding") && v != null) {
                v = stripAwsChunked(v);
            }
            if (v != null && !v.isEmpty()) {
                stored.put(name, v);
            }
        }
        stored.putIfAbsent("content-type", "binary/octet-stream");
        Map<String, String> meta = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : h.entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("x-amz-meta-")) {
                meta.put(name.substring("x-amz-meta-".length()), String.join(",", e.getValue()));
            }
        }
        String ifNoneMatch = h.getFirst("If-None-Match");
        String ifMatch = h.getFirst("If-Match");
        FileObjectStore.Precondition pre = FileObjectStore.Precondition.NONE;
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.trim().equals("*")) {
                throw new S3Error(501, "NotImplemented", "If-None-Match on PUT supports only *");
            }
            pre = FileObjectStore.Precondition.IF_ABSENT;
        } else if (ifMatch != null) {
            pre = FileObjectStore.Precondition.IF_MATCH;
        }
        FileObjectStore.StoredObject o;
        try {
            o = store.put(bucket, key, body, stored, meta, pre, ifMatch);
        } catch (FileObjectStore.PreconditionFailed e) {
            if (e.absent()) {
                // what S3 answers to If-Match on a key that has no object
                throw new S3Error(404, "NoSuchKey", "the specified key does not exist");
            }
            throw new S3Error(412, "PreconditionFailed", "at least one of the pre-conditions you specified did not hold");
        }
        x.getResponseHeaders().set("ETag", o.etag());
        x.sendResponseHeaders(200, -1);
    }

    private void getObject(HttpExchange x, String bucket, String key, boolean withBody) throws IOException, S3Error {
        requireBucket(bucket);
        FileObjectStore.StoredObject o = withBody ? store.get(bucket, key) : store.head(bucket, key);
        if (o == null) {
            throw new S3Error(404, "NoSuchKey", "the specified key does not exist");
        }
        Headers h = x.getRequestHeaders();
        String ifMatch = h.getFirst("If-Match");
        if (ifMatch != null && !FileObjectStore.etagMatches(ifMatch, o.etag())) {
            throw new S3Error(412, "PreconditionFailed", "at least one of the pre-conditions you specified did not hold");
        }
        Headers r = x.getResponseHeaders();
        r.set("ETag", o.etag());
        r.set("Last-Modified", HTTP_DATE.format(Instant.ofEpochMilli(o.lastModified())));
        r.set("Accept-Ranges", "bytes");
        String ifNoneMatch = h.getFirst("If-None-Match");
        if (ifNoneMatch != null && FileObjectStore.etagMatches(ifNoneMatch, o.etag())) {
            x.sendResponseHeaders(304, -1);
            return;
        }
        o.headers().forEach(r::set);
        o.metadata().forEach((k, v) -> r.set("x-amz-meta-" + k, v));
        if (withBody) {
            byte[] body = o.body();
            x.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        } else {
            r.set("Content-Length", Long.toString(o.size()));
            x.sendResponseHeaders(200, -1);
        }
    }

    // ---- encoding ----

    /** Decodes an {@code aws-chunked} body: {@code <hex size>[;chunk-signature=…]\r\n<bytes>\r\n}…, a 0 chunk, trailers. */
    static byte[] decodeAwsChunked(byte[] raw) throws S3Error {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        int i = 0;
        while (true) {
            int eol = indexOfCrlf(raw, i);
            if (eol < 0) {
                throw new S3Error(400, "IncompleteBody", "malformed aws-chunked body");
            }
            String line = new String(raw, i, eol - i, StandardCharsets.US_ASCII);
            int semi = line.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new S3Error(400, "IncompleteBody", "malformed aws-chunked chunk size");
            }
            i = eol + 2;
            if (size == 0) {
                return out.toByteArray(); // trailers (checksums, signature) follow; nothing to keep
            }
            if (size > raw.length - i) {
                throw new S3Error(400, "IncompleteBody", "aws-chunked chunk longer than the body");
            }
            out.write(raw, i, (int) size);
            i += (int) size;
            if (i + 2 > raw.length || raw[i] != '\r' || raw[i + 1] != '\n') {
                throw new S3Error(400, "IncompleteBody", "malformed aws-chunked chunk end");
            }
            i += 2;
        }
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String stripAwsChunked(String encoding) {
        StringBuilder b = new StringBuilder();
        for (String part : encoding.split(",")) {
            String p = part.trim();
            if (!p.isEmpty() && !p.equalsIgnoreCase("aws-chunked")) {
                b.append(b.length() == 0 ? "" : ",").append(p);
            }
        }
        return b.toString();
    }

    /** Percent-decoding of a path segment; unlike form decoding, '+' stays '+'. */
    static String decode(String s) throws S3Error {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new S3Error(400, "InvalidURI", "bad percent-encoding");
                }
                try {
                    b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                } catch (NumberFormatException e) {
                    throw new S3Error(400, "InvalidURI", "bad percent-encoding");
                }
                i += 2;
            } else {
                byte[] u = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                b.write(u, 0, u.length);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String raw) throws S3Error {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode((eq < 0 ? pair : pair.substring(0, eq)).replace('+', ' '));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1).replace('+', ' '));
            q.put(k, v);
        }
        return q;
    }

    private static String enc(String s, boolean url) {
        return url ? URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/") : s;
    }

    private static StringBuilder xml(String root) {
        return new StringBuilder(512).append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<").append(root)
                .append(" xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    }

    static String text(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        b.append("&#").append((int) c).append(';');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static void send(HttpExchange x, int status, StringBuilder xml) throws IOException {
        byte[] body = xml.toString().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/xml");
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    private static void error(HttpExchange x, int status, String code, String message) throws IOException {
        drain(x.getRequestBody());
        if (x.getRequestMethod().equalsIgnoreCase("HEAD")) {
            x.sendResponseHeaders(status, -1); // HEAD answers carry no body, so S3 sends the code alone
            return;
        }
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>").append(code)
                .append("</Code><Message>").append(text(message)).append("</Message><Resource>")
                .append(text(x.getRequestURI().getRawPath())).append("</Resource><RequestId>local</RequestId></Error>");
        send(x, status, b);
    }

    private static void drain(InputStream in) {
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static byte[] digest(String algorithm, byte[] b) {
        try {
            return MessageDigest.getInstance(algorithm).digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An S3 error answer: status, S3 error code, message. */
    static final class S3Error extends Exception {
        final int status;
        final String code;

        S3Error(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }
}
