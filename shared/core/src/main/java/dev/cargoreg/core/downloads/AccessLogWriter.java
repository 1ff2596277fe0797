package dev.cargoreg.core.downloads;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes requests in CloudFront's standard log format, all 33 fields: what the local CDN emulator delivers to the
 * emulated S3, and what tests and the benchmark feed {@link AccessLogParser}. The URI stem and the user agent are
 * URL-encoded as CloudFront encodes them (a space as {@code %20}, a `+` as {@code %2B}).
 */
public final class AccessLogWriter {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    /** One request as the edge saw it. */
    public record Entry(Instant at, String clientIp, String method, String host, String path, int status, long bytes,
                        String userAgent) {
    }

    private AccessLogWriter() {
    }

    /** The two header lines CloudFront starts each file with. */
    public static String header() {
        return "#Version: 1.0\n#Fields: " + String.join(" ", AccessLogParser.FIELDS) + "\n";
    }

    /** One request as a log line (with its newline). */
    public static String line(Entry e, String requestId) {
        String stem = encode(e.path());
        String[] f = {
            DATE.format(e.at()), TIME.format(e.at()), "LOC1", Long.toString(e.bytes()), e.clientIp(), e.method(),
            e.host(), stem, Integer.toString(e.status()), "-", e.userAgent() == null ? "-" : encode(e.userAgent()), "-",
            "-", e.status() < 400 ? "Miss" : "Error", requestId, e.host(), "https", "200", "0.002", "-", "TLSv1.3",
            "TLS_AES_128_GCM_SHA256", e.status() < 400 ? "Miss" : "Error", "HTTP/1.1", "-", "-", "443", "0.002",
            e.status() < 400 ? "Miss" : "Error", "application/octet-stream", Long.toString(e.bytes()), "-", "-",
        };
        return String.join("\t", f) + "\n";
    }

    /** A whole gzip'd log file of {@code entries}. */
    public static byte[] gzip(List<Entry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer w = new OutputStreamWriter(new GZIPOutputStream(bytes), StandardCharsets.UTF_8)) {
            w.write(header());
            int i = 0;
            for (Entry e : entries) {
                w.write(line(e, "req" + i++));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Percent-encodes what CloudFront encodes in a log field: a space, `+`, `%`, quotes, non-ASCII… */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/").replace("*", "%2A")
                .replace("%7E", "~")
                // as in the AWS guide's example user agent: these stay as they are
                .replace("%28", "(").replace("%29", ")").replace("%3B", ";").replace("%2C", ",").replace("%3A", ":");
    }
}
