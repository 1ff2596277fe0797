package dev.cargoreg.functions.downloads;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.cargoreg.aws.lambda.LambdaJson;
import dev.cargoreg.core.downloads.DownloadCounter;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.logging.Logger;

/**
 * Invoked (S3 to EventBridge) for each access log file CloudFront delivers under {@code cdn-logs/}; it counts the file's
 * downloads ({@link DownloadCounter}, idempotent per file). A failure throws, so Lambda retries the event (twice, then
 * the failure is in the function's metrics and log; counting the file again later is safe).
 */
public final class DownloadsHandler implements RequestStreamHandler {
    private static final Logger LOG = Logger.getLogger(DownloadsHandler.class.getName());
    private final DownloadCounter counter;
    /** (bucket, key) → the object's bytes; null when the object is gone. */
    private final BiFunction<String, String, ResponseInputStream<GetObjectResponse>> objects;

    public DownloadsHandler() {
        this(DaggerDownloadsComponent.create());
    }

    private DownloadsHandler(DownloadsComponent c) {
        this(c.counter(), c.s3());
    }

    public DownloadsHandler(DownloadCounter counter, S3Client s3) {
        this.counter = counter;
        this.objects = (bucket, key) -> {
            try {
                return s3.getObject(r -> r.bucket(bucket).key(key));
            } catch (NoSuchKeyException | NoSuchBucketException gone) {
                return null;
            }
        };
    }

    /** The event as JSON in, the answer as JSON out, with the function's own Jackson ({@link LambdaJson}). */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaJson.write(output, handleRequest(LambdaJson.readObject(input), context));
    }

    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        List<Map<String, Object>> results = new ArrayList<>();
        for (S3Object o : objects(event)) {
            try (ResponseInputStream<GetObjectResponse> in = objects.apply(o.bucket(), o.key())) {
                if (in == null) {
                    // a file deleted before we got to it (lifecycle, an operator): nothing to count
                    LOG.warning(() -> "log file s3://" + o.bucket() + "/" + o.key() + " is gone; not counted");
                    continue;
                }
                DownloadCounter.Result r = counter.count(o.key(), in);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", o.key());
                m.put("downloads", r.downloads());
                m.put("unknown", r.unknown());
                m.put("malformed", r.malformed());
                m.put("chunksAdded", r.chunksAdded());
                m.put("chunksAlreadyAdded", r.chunksAlreadyAdded());
                results.add(m);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.of("counted", results);
    }

    record S3Object(String bucket, String key) {
    }

    /**
     * The objects an event names: EventBridge's "Object Created" (what the template wires: {@code detail.bucket.name},
     * {@code detail.object.key}) or an S3 event notification ({@code Records[].s3}; its keys are URL-encoded, a space as
     * `+`). CloudFront's log file names have no character that either encoding changes.
     */
    static List<S3Object> objects(Map<String, Object> event) {
        List<S3Object> out = new ArrayList<>();
        if (event != null && event.get("detail") instanceof Map<?, ?> detail) {
            Object bucket = detail.get("bucket") instanceof Map<?, ?> b ? b.get("name") : null;
            Object key = detail.get("object") instanceof Map<?, ?> k ? k.get("key") : null;
            if (bucket != null && key != null) {
                out.add(new S3Object(bucket.toString(), key.toString()));
            }
            return out;
        }
        Object records = event == null ? null : event.get("Records");
        if (!(records instanceof List<?> list)) {
            return out;
        }
        for (Object rec : list) {
            if (!(rec instanceof Map<?, ?> r) || !(r.get("s3") instanceof Map<?, ?> s3)) {
                continue;
            }
            Object bucket = s3.get("bucket") instanceof Map<?, ?> b ? b.get("name") : null;
            Object key = s3.get("object") instanceof Map<?, ?> k ? k.get("key") : null;
            if (bucket != null && key != null) {
                out.add(new S3Object(bucket.toString(), URLDecoder.decode(key.toString(), StandardCharsets.UTF_8)));
            }
        }
        return out;
    }
}
