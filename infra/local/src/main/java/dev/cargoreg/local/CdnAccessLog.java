package dev.cargoreg.local;

import dev.cargoreg.core.downloads.AccessLogWriter;
import dev.cargoreg.core.downloads.DownloadCounter;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The CDN emulator's standard logging, and what the deployed registry does with it: every {@code interval} the
 * requests served since the last time become one gzip'd file in CloudFront's format under {@value #PREFIX} of the log
 * bucket (named as CloudFront names them), then each log file there is read back, given to the same
 * {@link DownloadCounter} the Lambda function runs (which counts a file once, however often it is given) and moved
 * under {@value #COUNTED_PREFIX}. On close, what is pending is written and counted.
 */
final class CdnAccessLog implements AutoCloseable {
    static final String PREFIX = "cdn-logs/";
    /** Where a log file goes once counted (kept, as CloudFront's are for 30 days, but never listed again). */
    static final String COUNTED_PREFIX = "cdn-logs-counted/";
    /** The distribution id the local files are named with (CloudFront: {@code E} and 13 characters). */
    static final String DISTRIBUTION = "ELOCALREGISTRY";
    private static final Logger LOG = Logger.getLogger(CdnAccessLog.class.getName());
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH").withZone(ZoneOffset.UTC);

    private final S3Client s3;
    private final String bucket;
    private final DownloadCounter counter;
    private final ConcurrentLinkedQueue<AccessLogWriter.Entry> pending = new ConcurrentLinkedQueue<>();
    private final Set<String> counted = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cdn-access-log");
        t.setDaemon(true);
        return t;
    });

    CdnAccessLog(S3Client s3, String bucket, DownloadCounter counter) {
        this.s3 = s3;
        this.bucket = bucket;
        this.counter = counter;
    }

    CdnAccessLog start(Duration interval) {
        scheduler.scheduleWithFixedDelay(this::flushQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One request the CDN answered. */
    void record(AccessLogWriter.Entry entry) {
        pending.add(entry);
    }

    private void flushQuietly() {
        try {
            flushAndCount();
        } catch (RuntimeException e) {
            // the next round tries again: entries not yet written stay pending, files not yet counted stay uncounted
            LOG.log(Level.WARNING, "writing or counting the CDN access log failed", e);
        }
    }

    /** Writes what is pending as a new log file, then counts every log file this process has not counted. */
    synchronized void flushAndCount() {
        List<AccessLogWriter.Entry> entries = new ArrayList<>();
        for (AccessLogWriter.Entry e = pending.peek(); e != null && entries.size() < 1_000_000; e = pending.peek()) {
            entries.add(pending.poll());
        }
        if (!entries.isEmpty()) {
            String key = PREFIX + DISTRIBUTION + "." + HOUR.format(Instant.now()) + "."
                    + UUID.randomUUID().toString().substring(0, 8) + ".gz";
            try {
                s3.putObject(r -> r.bucket(bucket).key(key).contentType("application/x-gzip"),
                        RequestBody.fromBytes(AccessLogWriter.gzip(entries)));
            } catch (RuntimeException e) {
                // not written: the entries go back, to be written next time
                pending.addAll(entries);
                throw e;
            }
        }
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(PREFIX)).contents()) {
            if (counted.contains(o.key())) {
                continue;
            }
            byte[] file;
            try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(o.key()))) {
                file = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            counter.count(o.key(), new ByteArrayInputStream(file));
            counted.add(o.key());
            // Out of the way once counted, so neither a restart nor a stop reads every file ever written again (a
            // registry restarted hundreds of times took over 30 s to stop). A kill before the move leaves the file
            // here, and the counter counts it once however often it is given (DownloadCounter).
            String done = COUNTED_PREFIX + o.key().substring(PREFIX.length());
            s3.putObject(r -> r.bucket(bucket).key(done).contentType("application/x-gzip"), RequestBody.fromBytes(file));
            s3.deleteObject(r -> r.bucket(bucket).key(o.key()));
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        flushQuietly();
    }
}
