package dev.cargoreg.functions.publish;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.testing.AwsRegistryFixture;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A corpus of generated and hand-written hostile publish requests. Every one must be answered with a 4xx and cargo's
 * error body: 0 server errors and 0 writes (the table and the bucket are compared after each).
 */
class HostileInputIT {
    static AwsRegistryFixture fx;
    static PublishHandler handler;

    @BeforeAll
    static void setUp() {
        fx = new AwsRegistryFixture();
        handler = new PublishHandler(fx.services.publish(), fx.services.imports(), fx.services.stagedPush());
        fx.publish(AwsRegistryFixture.ALICE, "taken-crate", "1.0.0");
    }

    /** One hostile request: its body, and optionally a change to the event (headers, encoding). */
    record Case(String name, byte[] body, Consumer<APIGatewayV2HTTPEvent> tweak) {
        Case(String name, byte[] body) {
            this(name, body, e -> { });
        }
    }

    static byte[] u32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] envelope(String json, byte[] crate) {
        return PublishBodyBuilder.envelope(json, crate);
    }

    static byte[] gzipOfZeros(long n) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            byte[] zeros = new byte[1 << 20];
            for (long done = 0; done < n; done += zeros.length) {
                gz.write(zeros, 0, (int) Math.min(zeros.length, n - done));
            }
        }
        return out.toByteArray();
    }

    static List<Case> corpus() throws Exception {
        List<Case> cases = new ArrayList<>();
        String meta = PublishBodyBuilder.minimal("hostile-crate", "1.0.0").json();
        byte[] crate = TarballBuilder.crate("hostile-crate", "1.0.0").build();
        byte[] good = envelope(meta, crate);
        byte[] json = meta.getBytes(StandardCharsets.UTF_8);

        // generated: every truncation point across the envelope
        for (int cut = 0; cut < good.length; cut += Math.max(1, good.length / 40)) {
            cases.add(new Case("truncated at " + cut, Arrays.copyOf(good, cut)));
        }
        // generated: lengths that lie
        for (long lie : new long[] {1, 2, 7, 100, 1L << 31, (1L << 32) - 1}) {
            cases.add(new Case("metadata length +" + lie, cat(u32(json.length + lie), json, u32(crate.length), crate)));
            cases.add(new Case("tarball length +" + lie, cat(u32(json.length), json, u32(crate.length + lie), crate)));
        }
        cases.add(new Case("metadata length -1 byte", cat(u32(json.length - 1), json, u32(crate.length), crate)));
        cases.add(new Case("tarball length -1 byte", cat(u32(json.length), json, u32(crate.length - 1), crate)));
        // generated: random bodies
        Random random = new Random(7);
        for (int i = 0; i < 12; i++) {
            byte[] b = new byte[1 + random.nextInt(4096)];
            random.nextBytes(b);
            cases.add(new Case("random body " + i, b));
        }
        // generated: random tarball bytes in a valid envelope, and a corrupted gzip stream
        for (int i = 0; i < 6; i++) {
            byte[] b = new byte[64 + random.nextInt(2048)];
            random.nextBytes(b);
            cases.add(new Case("random tarball " + i, envelope(meta, b)));
            byte[] flipped = crate.clone();
            flipped[10 + random.nextInt(flipped.length - 20)] ^= (byte) (1 + random.nextInt(255));
            cases.add(new Case("corrupted gzip " + i, envelope(meta, flipped)));
        }

        // hand-written: archives
        String p = "hostile-crate-1.0.0/";
        cases.add(new Case("gzip bomb (600 MiB of zeros)", envelope(meta, gzipOfZeros(600L << 20))));
        cases.add(new Case("char device", envelope(meta, TarballBuilder.crate("hostile-crate", "1.0.0").special(p + "tty", TarConstants.LF_CHR, null).build())));
        cases.add(new Case("block device", envelope(meta, TarballBuilder.crate("hostile-crate", "1.0.0").special(p + "sda", TarConstants.LF_BLK, null).build())));
        cases.add(new Case("fifo", envelope(meta, TarballBuilder.crate("hostile-crate", "1.0.0").special(p + "pipe", TarConstants.LF_FIFO, null).build())));
        cases.add(new Case("hard link", envelope(meta, TarballBuilder.crate("hostile-crate", "1.0.0").special(p + "h", TarConstants.LF_LINK, "/etc/shadow").build())));
        cases.add(new Case("symlink", envelope(meta, TarballBuilder.crate("hostile-crate", "1.0.0").special(p + "s", TarConstants.LF_SYMLINK, "../../..").build())));
        cases.add(new Case("absolute path", envelope(meta, TarballBuilder.crate("hostile-crate", "1.0.0").file("/etc/cron.d/x", "x").build())));
        cases.add(new Case("dot-dot path", envelope(meta, TarballBuilder.crate("hostile-crate", "1.0.0").file(p + "../../x", "x").build())));
        cases.add(new Case("backslash path", envelope(meta, TarballBuilder.crate("hostile-crate", "1.0.0").file(p + "..\\..\\x", "x").build())));
        cases.add(new Case("very long path", envelope(meta, TarballBuilder.crate("hostile-crate", "1.0.0").file(p + "a/".repeat(3000) + "x", "x").build())));
        cases.add(new Case("duplicate entries", envelope(meta, TarballBuilder.crate("hostile-crate", "1.0.0").file(p + "Cargo.toml", "[package]").build())));
        cases.add(new Case("two manifests in different case", envelope(meta, TarballBuilder.crate("hostile-crate", "1.0.0").file(p + "CARGO.TOML", "x").build())));
        cases.add(new Case("no manifest", envelope(meta, TarballBuilder.empty().file(p + "src/lib.rs", "").build())));
        cases.add(new Case("manifest names another crate", envelope(meta, TarballBuilder.empty().file(p + "Cargo.toml", TarballBuilder.manifest("taken-crate", "1.0.0")).build())));
        cases.add(new Case("uncompressed tar", envelope(meta, TarballBuilder.crate("hostile-crate", "1.0.0").buildTar())));
        cases.add(new Case("empty tarball", envelope(meta, new byte[0])));

        // hand-written: JSON
        cases.add(new Case("metadata over 1 MiB", envelope("{\"name\":\"" + "x".repeat(1_100_000) + "\"}", crate)));
        cases.add(new Case("deeply nested metadata", envelope("[".repeat(10_000) + "]".repeat(10_000), crate)));
        cases.add(new Case("nested objects in deps", envelope("{\"name\":\"hostile-crate\",\"vers\":\"1.0.0\",\"deps\":" + "[".repeat(200) + "]".repeat(200) + "}", crate)));
        cases.add(new Case("invalid UTF-8 in metadata", cat(u32(4), new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, u32(crate.length), crate)));
        byte[] utf16 = meta.getBytes(StandardCharsets.UTF_16LE);
        cases.add(new Case("UTF-16 metadata", cat(u32(utf16.length), utf16, u32(crate.length), crate)));
        cases.add(new Case("name is a number", envelope(meta.replace("\"name\":\"hostile-crate\"", "\"name\":12"), crate)));
        cases.add(new Case("deps is an object", envelope(meta.replace("\"deps\":[]", "\"deps\":{}"), crate)));
        cases.add(new Case("duplicate keys", envelope(meta.replace("{\"name\"", "{\"name\":\"other-crate\",\"name\""), crate)));
        cases.add(new Case("trailing garbage after JSON", envelope(meta + "{}", crate)));
        cases.add(new Case("JSON null", envelope("null", crate)));
        cases.add(new Case("empty JSON", envelope("", crate)));
        cases.add(new Case("dependency with a wildcard kind", envelope(meta.replace("\"deps\":[]",
                "\"deps\":[{\"name\":\"x\",\"version_req\":\"^1\",\"kind\":\"weird\"}]"), crate)));
        cases.add(new Case("dependency with an invalid name", envelope(meta.replace("\"deps\":[]",
                "\"deps\":[{\"name\":\"../x\",\"version_req\":\"^1\"}]"), crate)));
        cases.add(new Case("too many features", envelope(meta.replace("\"features\":{}", "\"features\":{" + String.join(",",
                IntStream.range(0, 400).mapToObj(i -> "\"f" + i + "\":[]").toList()) + "}"), crate)));

        // hand-written: names and versions (each with a tarball that matches, so only the name or version is wrong)
        for (String bad : new String[] {"", "1crate", "-crate", "_crate", "crate name", "crate/../x", "cr\u00e4te", "crate\u0000",
                "a".repeat(65), "std", "core", "CON", "nul", "Compiler_Builtins", "taken_crate", "Taken-Crate"}) {
            String safe = bad.isEmpty() ? "x" : bad.replaceAll("[^A-Za-z0-9_-]", "x");
            cases.add(new Case("name `" + bad.replace("\u0000", "\\0") + "`", envelope(PublishBodyBuilder.minimal(bad, "1.0.0").json(),
                    TarballBuilder.crate(bad.isEmpty() ? "x" : bad.contains("\u0000") ? safe : bad, "1.0.0").build())));
        }
        for (String bad : new String[] {"", "1", "1.0", "1.0.0.0", "01.0.0", "1.0.0-", "1.0.0+", "v1.0.0", " 1.0.0", "1.0.0 ",
                "1.0.0-α", "18446744073709551616.0.0", "1.0.0-01", "1.0.0+build+again", "1." + "9".repeat(200) + ".0"}) {
            cases.add(new Case("version `" + bad + "`", envelope(PublishBodyBuilder.minimal("hostile-crate", bad).json(),
                    TarballBuilder.crate("hostile-crate", bad.isEmpty() ? "0" : bad).build())));
        }
        cases.add(new Case("duplicate version of an existing crate", PublishBodyBuilder.minimal("taken-crate", "1.0.0").body()));
        cases.add(new Case("duplicate version differing in build metadata", PublishBodyBuilder.minimal("taken-crate", "1.0.0+other").body()));

        // hand-written: header and encoding tricks
        cases.add(new Case("no Authorization", good, e -> e.getHeaders().remove("authorization")));
        for (String auth : new String[] {"", "Bearer", "Basic", "Basic !!!not-base64!!!", "Bearer " + "x".repeat(10_000),
                "token\r\nX-Injected: yes", "Bearer\tcargoreg_x", "Basic " + Base64.getEncoder().encodeToString("user".getBytes()),
                "cargoreg_" + "\u00e9".repeat(40), "null"}) {
            cases.add(new Case("Authorization `" + auth.substring(0, Math.min(auth.length(), 30)).replace("\r\n", "\\r\\n") + "`",
                    good, e -> e.getHeaders().put("authorization", auth)));
        }
        cases.add(new Case("body not valid base64", good, e -> e.setBody("@@@ not base64 @@@")));
        cases.add(new Case("binary body sent as text", good, e -> {
            e.setBody(new String(good, StandardCharsets.ISO_8859_1));
            e.setIsBase64Encoded(false);
        }));
        cases.add(new Case("empty body", new byte[0]));
        cases.add(new Case("JSON body instead of an envelope", "{\"name\":\"hostile-crate\"}".getBytes(StandardCharsets.UTF_8),
                e -> e.getHeaders().put("content-type", "application/json")));
        return cases;
    }

    @Test
    void every_hostile_request_gets_a_4xx_with_cargos_body_and_writes_nothing() throws Exception {
        List<Case> corpus = corpus();
        assertTrue(corpus.size() >= 100, "the corpus has " + corpus.size() + " requests");
        List<String> failures = new ArrayList<>();
        int served = 0;
        TreeSet<String> before = fx.snapshot();
        for (Case c : corpus) {
            APIGatewayV2HTTPEvent e = AwsRegistryFixture.rawEvent("publish.json", null, AwsRegistryFixture.ALICE, null);
            e.setBody(Base64.getEncoder().encodeToString(c.body()));
            e.setIsBase64Encoded(true);
            e.setHeaders(new HashMap<>(e.getHeaders()));
            c.tweak().accept(e);
            fx.authorize(e);
            APIGatewayV2HTTPResponse r = handler.handleRequest(e, null);
            served++;
            String detail = null;
            try {
                JsonNode body = AwsRegistryFixture.JSON.readTree(r.getBody());
                detail = body.get("errors").get(0).get("detail").asText();
            } catch (Exception ignored) {
                // reported below
            }
            if (r.getStatusCode() < 400 || r.getStatusCode() >= 500) {
                failures.add(c.name() + ": status " + r.getStatusCode() + " " + r.getBody());
            } else if (detail == null || detail.isBlank()) {
                failures.add(c.name() + ": no cargo error body: " + r.getBody());
            }
            TreeSet<String> now = fx.snapshot();
            if (!before.equals(now)) {
                failures.add(c.name() + ": something was written");
                before = now;
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + served + " hostile requests mishandled:\n" + String.join("\n", failures));

        // control: the same harness does publish a well-formed crate, so the refusals above are the inputs' doing
        APIGatewayV2HTTPEvent ok = AwsRegistryFixture.rawEvent("publish.json", null, AwsRegistryFixture.ALICE, null);
        ok.setBody(Base64.getEncoder().encodeToString(PublishBodyBuilder.minimal("control-crate", "1.0.0").body()));
        ok.setIsBase64Encoded(true);
        APIGatewayV2HTTPResponse r = handler.handleRequest(fx.authorize(ok), null);
        assertTrue(r.getStatusCode() == 200, "control publish: " + r.getStatusCode() + " " + r.getBody());
        System.out.println("hostile corpus: " + served + " requests, all refused with a 4xx and cargo's body, nothing written");
    }
}
