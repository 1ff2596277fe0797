package dev.cargoreg.embedded;

import dev.cargoreg.embedded.s3.FileObjectStore;
import dev.cargoreg.embedded.s3.S3Server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child process {@link CrashSafetyIT} kills: starts the S3 server on a data directory and writes through HTTP as
 * fast as it can from 4 threads: new objects with {@code If-None-Match: *} and an If-Match chain on one hot key. It
 * prints {@code ok KEY} only after the server answered 200, so every printed key was acknowledged before the kill.
 * Bodies are a function of the key ({@link #body}), so the parent can check them.
 *
 * <p>Arguments: S3 directory, bucket, seed, first counter.
 */
public final class KillWriter {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String bucket = args[1];
        long seed = Long.parseLong(args[2]);
        int first = Integer.parseInt(args[3]);
        FileObjectStore store = new FileObjectStore(dir, true);
        store.createBucket(bucket);
        S3Server server = S3Server.start(store, 0);
        URI base = server.endpoint();
        PrintStream out = System.out;
        out.println("ready");
        out.flush();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int tn = t;
            threads[t] = new Thread(() -> {
                try {
                    for (int i = first + tn; ; i += threads.length) {
                        String key = "crates/c" + seed + "/k-" + i;
                        if (put(base, bucket, key, body(seed, key), "If-None-Match", "*") == 200) {
                            synchronized (out) {
                                out.println("ok " + key);
                                out.flush();
                            }
                        }
                        if (i % 3 == 0) {
                            hot(base, bucket, seed, i, out);
                        }
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            threads[t].start();
        }
        threads[0].join();
    }

    /** Rewrites "index/hot" to "v{i}" if it still holds what was read: an If-Match chain like the index files'. */
    private static void hot(URI base, String bucket, long seed, int i, PrintStream out) throws IOException {
        HttpURLConnection c = (HttpURLConnection) base.resolve("/" + bucket + "/index/hot").toURL().openConnection();
        c.setRequestMethod("HEAD");
        String etag = c.getResponseCode() == 200 ? c.getHeaderField("ETag") : null;
        c.disconnect();
        int status = etag == null
                ? put(base, bucket, "index/hot", ("v" + i).getBytes(), "If-None-Match", "*")
                : put(base, bucket, "index/hot", ("v" + i).getBytes(), "If-Match", etag);
        if (status == 200) {
            synchronized (out) {
                out.println("hot v" + i);
                out.flush();
            }
        }
    }

    static int put(URI base, String bucket, String key, byte[] body, String header, String value) throws IOException {
        HttpURLConnection c = (HttpURLConnection) base.resolve("/" + bucket + "/" + key).toURL().openConnection();
        c.setRequestMethod("PUT");
        c.setDoOutput(true);
        c.setRequestProperty(header, value);
        c.setRequestProperty("Content-Type", "application/gzip");
        c.setRequestProperty("x-amz-meta-sha256", Integer.toHexString(key.hashCode()));
        c.setFixedLengthStreamingMode(body.length);
        c.getOutputStream().write(body);
        int status = c.getResponseCode();
        (status < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
        return status;
    }

    /** The bytes written under {@code key}: 0 to 48 KiB, from the seed and the key. */
    static byte[] body(long seed, String key) {
        Random r = new Random(seed * 31 + key.hashCode());
        byte[] b = new byte[r.nextInt(48 * 1024)];
        r.nextBytes(b);
        return b;
    }
}
