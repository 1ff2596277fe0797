package dev.cargoreg.core.downloads;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AccessLogParserTest {
    /** CloudFront's header lines as delivered (the 33 fields of today's standard logs). */
    static final String HEADER = "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) "
            + "cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type "
            + "x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher "
            + "x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte "
            + "x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end\n";

    /** A line as CloudFront writes one (the shape of the AWS guide's example), for {@code path} and {@code status}. */
    static String line(String date, String method, String path, int status) {
        return date + "\t21:02:31\tLAX1\t392\t192.0.2.100\t" + method + "\td111111abcdef8.cloudfront.net\t" + path + "\t"
                + status + "\t-\tcargo/1.85.0%20(Linux)\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\t"
                + "d111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t"
                + "11040\t0.001\tHit\tapplication/x-tar\t78\t-\t-\n";
    }

    static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static List<AccessLogParser.Request> parse(String text, AccessLogParser.Stats[] stats) {
        List<AccessLogParser.Request> out = new ArrayList<>();
        stats[0] = AccessLogParser.parseGzip(new ByteArrayInputStream(gzip(text)), out::add);
        return out;
    }

    @Test
    void readsCloudFrontsFormatFromGzipWithUrlEncodedStems() {
        AccessLogParser.Stats[] stats = new AccessLogParser.Stats[1];
        List<AccessLogParser.Request> got = parse(HEADER
                + line("2026-12-01", "GET", "/crates/serde/serde-1.0.0.crate", 200)
                + line("2026-12-02", "GET", "/crates/my-crate/my-crate-1.0.0%2Bbuild.5.crate", 200)
                + line("2026-12-02", "HEAD", "/index/se/rd/serde", 304), stats);
        assertEquals(List.of(
                new AccessLogParser.Request(LocalDate.parse("2026-12-01"), "GET", "/crates/serde/serde-1.0.0.crate", 200),
                new AccessLogParser.Request(LocalDate.parse("2026-12-02"), "GET", "/crates/my-crate/my-crate-1.0.0+build.5.crate", 200),
                new AccessLogParser.Request(LocalDate.parse("2026-12-02"), "HEAD", "/index/se/rd/serde", 304)), got);
        assertEquals(new AccessLogParser.Stats(3, 0), stats[0]);
    }

    @Test
    void badLinesAreSkippedAndCountedNotFatal() {
        AccessLogParser.Stats[] stats = new AccessLogParser.Stats[1];
        List<AccessLogParser.Request> got = parse(HEADER
                + "garbage without tabs\n"
                + line("2026-13-45", "GET", "/crates/a/a-1.0.0.crate", 200)
                + line("2026-12-01", "GET", "/crates/a/a-1.0.0.crate", 200).replace("\t200\t", "\tOK\t")
                + line("2026-12-01", "GET", "/crates/a/a-1.0.0%ZZ.crate", 200)
                + "\n"
                + line("2026-12-01", "GET", "/crates/a/a-1.0.0.crate", 200), stats);
        assertEquals(1, got.size());
        assertEquals(new AccessLogParser.Stats(5, 4), stats[0]);
    }

    @Test
    void columnsAreFoundByTheFieldsLine() {
        // an older file with fewer fields, in the same order CloudFront has always used for the first ones
        String old = "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status\n"
                + "2014-05-23\t01:13:11\tFRA2\t182\t192.0.2.10\tGET\td111111abcdef8.cloudfront.net\t/crates/a/a-0.1.0.crate\t200\n";
        AccessLogParser.Stats[] stats = new AccessLogParser.Stats[1];
        assertEquals(List.of(new AccessLogParser.Request(LocalDate.parse("2014-05-23"), "GET", "/crates/a/a-0.1.0.crate", 200)),
                parse(old, stats));
    }

    @Test
    void aFieldsLineWithoutTheNeededFieldsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> parse("#Version: 1.0\n#Fields: date time\n", new AccessLogParser.Stats[1]));
    }

    @Test
    void notGzipIsAnError() {
        assertThrows(UncheckedIOException.class, () -> AccessLogParser.parseGzip(
                new ByteArrayInputStream("#Version: 1.0\n".getBytes(StandardCharsets.UTF_8)), r -> { }));
    }

    @Test
    void percentDecoding() {
        assertEquals("/crates/a/a-1.0.0+b.crate", AccessLogParser.percentDecode("/crates/a/a-1.0.0%2Bb.crate"));
        assertEquals("/a+b", AccessLogParser.percentDecode("/a+b"), "a + in a path is not a space");
        assertEquals("/é", AccessLogParser.percentDecode("/%C3%A9"));
        assertNull(AccessLogParser.percentDecode("/%C3"));
        assertNull(AccessLogParser.percentDecode("/%"));
    }

    @Test
    void theTallyCountsSuccessfulTarballGetsOnly() {
        DownloadTally t = new DownloadTally();
        LocalDate d = LocalDate.parse("2026-12-01");
        t.add(new AccessLogParser.Request(d, "GET", "/crates/foo/foo-1.0.0.crate", 200));
        t.add(new AccessLogParser.Request(d, "GET", "/crates/foo/foo-1.0.0.crate", 200));
        t.add(new AccessLogParser.Request(d, "GET", "/crates/foo/foo-1.0.0+b.crate", 200));
        t.add(new AccessLogParser.Request(d, "HEAD", "/crates/foo/foo-1.0.0.crate", 200));
        t.add(new AccessLogParser.Request(d, "GET", "/crates/foo/foo-1.0.0.crate", 206));
        t.add(new AccessLogParser.Request(d, "GET", "/crates/foo/foo-1.0.0.crate", 304));
        t.add(new AccessLogParser.Request(d, "GET", "/crates/foo/foo-1.0.0.crate", 404));
        t.add(new AccessLogParser.Request(d, "GET", "/crates/foo/foo-1.0.0.crate", 401));
        t.add(new AccessLogParser.Request(d, "GET", "/mirror/crates/foo/foo-1.0.0.crate", 200));
        t.add(new AccessLogParser.Request(d, "GET", "/crates/foo/foo-1.0.0.readme.html", 200));
        t.add(new AccessLogParser.Request(d, "GET", "/crates/foo/bar-1.0.0.crate", 200));
        t.add(new AccessLogParser.Request(d, "GET", "/crates/foo/x/foo-1.0.0.crate", 200));
        t.add(new AccessLogParser.Request(d, "GET", "/crates/foo/foo-.crate", 200));
        t.add(new AccessLogParser.Request(d, "GET", "/index/3/f/foo", 200));
        assertEquals(3, t.downloads());
        assertEquals(List.of(Map.entry(new DownloadTally.Key("foo", "1.0.0", d), 2L),
                Map.entry(new DownloadTally.Key("foo", "1.0.0+b", d), 1L)), t.cells());
    }

    @Test
    void whatTheWriterWritesTheParserReads() {
        Instant at = Instant.parse("2026-12-01T23:59:59Z");
        byte[] file = AccessLogWriter.gzip(List.of(new AccessLogWriter.Entry(at, "127.0.0.1", "GET", "localhost",
                "/crates/a b/a b-1.0.0+x.crate", 200, 10, "cargo/1.85.0 (abc 2025-01-01)")));
        List<AccessLogParser.Request> got = new ArrayList<>();
        AccessLogParser.Stats stats = AccessLogParser.parseGzip(new ByteArrayInputStream(file), got::add);
        assertEquals(new AccessLogParser.Stats(1, 0), stats);
        assertEquals(new AccessLogParser.Request(LocalDate.parse("2026-12-01"), "GET", "/crates/a b/a b-1.0.0+x.crate", 200),
                got.get(0));
        String text = AccessLogWriter.header() + AccessLogWriter.line(new AccessLogWriter.Entry(at, "127.0.0.1", "GET",
                "localhost", "/crates/a/a-1.0.0+x.crate", 200, 10, "cargo/1.85.0 (abc)"), "r1");
        assertEquals(HEADER, AccessLogWriter.header());
        assertEquals(33, text.split("\n")[2].split("\t", -1).length);
        assertEquals("/crates/a/a-1.0.0%2Bx.crate", text.split("\n")[2].split("\t")[7]);
        assertEquals("cargo/1.85.0%20(abc)", text.split("\n")[2].split("\t")[10]);
    }
}
