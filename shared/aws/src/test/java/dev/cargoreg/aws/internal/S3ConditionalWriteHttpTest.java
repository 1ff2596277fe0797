package dev.cargoreg.aws.internal;

import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.core.port.BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * S3 may judge a conditional PUT on its headers alone. This server does what S3 is allowed to do: a request that
 * announces `Expect: 100-continue` gets its final 412 before any body is read; otherwise it reads the body and answers
 * 412 after. Either way the adapter must say "someone else wrote first" (false), never throw.
 */
class S3ConditionalWriteHttpTest {
    private static final String PRECONDITION_FAILED = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>""";

    private ServerSocket server;
    private Thread loop;
    private final List<String> expectHeaders = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        loop = new Thread(this::serve, "precondition-server");
        loop.setDaemon(true);
        loop.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                answer(s);
            } catch (IOException e) {
                // closed, or the client hung up
            }
        }
    }

    private void answer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
        String requestLine = reader.readLine();
        if (requestLine == null) {
            return;
        }
        long length = 0;
        boolean expect = false;
        for (String h = reader.readLine(); h != null && !h.isEmpty(); h = reader.readLine()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(h.indexOf(':') + 1).trim());
            }
            if (lower.startsWith("expect:")) {
                expect = true;
                expectHeaders.add(h);
            }
        }
        if (!expect) {
            // drain the body (the reader may hold part of it)
            char[] buf = new char[8192];
            long left = length;
            while (left > 0) {
                int n = reader.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        }
        byte[] body = PRECONDITION_FAILED.getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(("HTTP/1.1 412 Precondition Failed\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private S3BlobStore blobs() {
        S3Client s3 = AwsClients.s3(AwsClients.Settings.emulated(null, URI.create("http://127.0.0.1:" + server.getLocalPort())));
        return new S3BlobStore(s3, "bucket");
    }

    @Test
    void a_failed_precondition_is_a_lost_race_whatever_s3_answers_first() {
        BlobStore.Attributes attrs = new BlobStore.Attributes("application/gzip", "no-cache", Map.of());
        byte[] crate = new byte[256 * 1024];

        assertFalse(blobs().putIfAbsent("crates/foo/foo-1.0.0.crate", crate, attrs));
        assertFalse(blobs().putIfMatch("index/3/f/foo", crate, attrs, "\"etag\""));
    }

    @Test
    void puts_do_not_ask_for_100_continue() {
        blobs().putIfAbsent("crates/foo/foo-1.0.0.crate", new byte[1024],
                new BlobStore.Attributes("application/gzip", "no-cache", Map.of()));

        assertEquals(new ArrayList<>(), new ArrayList<>(expectHeaders), "no Expect header reached the server");
        assertTrue(server.isBound());
    }
}
