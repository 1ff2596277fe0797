package dev.cargoreg.core.downloads;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads a CloudFront standard (legacy) access log file: gzip'd, UTF-8, a {@code #Version: 1.0} line, a
 * {@code #Fields: date time x-edge-location …} line naming the tab-separated columns, then one request per line.
 * Columns are found by name from the {@code #Fields} line, so a file with fewer or more fields (CloudFront has added
 * fields over the years) still parses. A line that does not fit (too few columns, bad date, bad status) is skipped and
 * counted, never fatal: one odd line must not lose a file's downloads.
 */
public final class AccessLogParser {
    /** The 33 fields CloudFront writes today, in order (AWS CloudFront Developer Guide, "Log file fields"). */
    public static final List<String> FIELDS = List.of("date", "time", "x-edge-location", "sc-bytes", "c-ip",
            "cs-method", "cs(Host)", "cs-uri-stem", "sc-status", "cs(Referer)", "cs(User-Agent)", "cs-uri-query",
            "cs(Cookie)", "x-edge-result-type", "x-edge-request-id", "x-host-header", "cs-protocol", "cs-bytes",
            "time-taken", "x-forwarded-for", "ssl-protocol", "ssl-cipher", "x-edge-response-result-type",
            "cs-protocol-version", "fle-status", "fle-encrypted-fields", "c-port", "time-to-first-byte",
            "x-edge-detailed-result-type", "sc-content-type", "sc-content-len", "sc-range-start", "sc-range-end");

    /** One request of the log: the UTC day, the method, the decoded path and the status. */
    public record Request(LocalDate day, String method, String path, int status) {
    }

    /** How many request lines were read and how many were skipped as malformed. */
    public record Stats(long lines, long skipped) {
    }

    private AccessLogParser() {
    }

    /** Parses a gzip'd log file, handing each well-formed request to {@code sink}. */
    public static Stats parseGzip(InputStream gzipped, Consumer<Request> sink) {
        try (InputStream in = new GZIPInputStream(gzipped, 64 * 1024)) {
            return parse(in, sink);
        } catch (IOException e) {
            throw new UncheckedIOException("the log file is not gzip'd text", e);
        }
    }

    /** Parses an uncompressed log file. */
    public static Stats parse(InputStream plain, Consumer<Request> sink) {
        BufferedReader r = new BufferedReader(new InputStreamReader(plain, StandardCharsets.UTF_8), 64 * 1024);
        int date = 0;
        int method = 5;
        int stem = 7;
        int status = 8;
        int needed = 9;
        long lines = 0;
        long skipped = 0;
        try {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("#")) {
                    if (line.startsWith("#Fields:")) {
                        List<String> names = Arrays.asList(line.substring("#Fields:".length()).trim().split("\\s+"));
                        date = names.indexOf("date");
                        method = names.indexOf("cs-method");
                        stem = names.indexOf("cs-uri-stem");
                        status = names.indexOf("sc-status");
                        if (date < 0 || method < 0 || stem < 0 || status < 0) {
                            throw new IllegalArgumentException("the log's #Fields line lacks date, cs-method, cs-uri-stem"
                                    + " or sc-status: " + line);
                        }
                        needed = Math.max(Math.max(date, method), Math.max(stem, status)) + 1;
                    }
                    continue;
                }
                lines++;
                Optional<Request> req = request(line, date, method, stem, status, needed);
                if (req.isPresent()) {
                    sink.accept(req.get());
                } else {
                    skipped++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the log file failed", e);
        }
        return new Stats(lines, skipped);
    }

    private static Optional<Request> request(String line, int date, int method, int stem, int status, int needed) {
        String[] f = line.split("\t", -1);
        if (f.length < needed) {
            return Optional.empty();
        }
        try {
            int code = Integer.parseInt(f[status]);
            String path = percentDecode(f[stem]);
            if (path == null) {
                return Optional.empty();
            }
            return Optional.of(new Request(LocalDate.parse(f[date]), f[method], path, code));
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * CloudFront URL-encodes the stem's unsafe characters ({@code %2B} for a `+` of build metadata); `+` itself is not a
     * space in a path. Null when an escape is malformed or the bytes are not UTF-8.
     */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
