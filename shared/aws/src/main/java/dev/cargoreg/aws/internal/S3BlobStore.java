package dev.cargoreg.aws.internal;

import dev.cargoreg.core.port.BlobStore;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Blobs in S3. Conditional writes use S3's If-None-Match / If-Match; a failed precondition (412), a concurrent
 * conditional write (409) and an If-Match on an object deleted meanwhile (404) all mean "someone else wrote first".
 */
public final class S3BlobStore implements BlobStore {
    private final Supplier<S3Client> client;
    private final String bucket;
    /** Built on first use from the client's own region, credentials and endpoint: most functions never presign. */
    private volatile S3Presigner presigner;

    public S3BlobStore(S3Client s3, String bucket) {
        this(() -> s3, bucket);
    }

    /**
     * A client built on first use: a function whose first request never touches S3 (a crate read, an admin's user
     * change) then does not pay for building it in a cold JVM; under SnapStart the priming hook builds it anyway.
     */
    public S3BlobStore(Supplier<S3Client> client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    private S3Client s3() {
        return client.get();
    }

    @Override
    public URI presignPut(String key, Duration ttl) {
        S3Presigner p = presigner;
        if (p == null) {
            // the presigner does not take region, credentials or endpoint from the client by itself
            S3ServiceClientConfiguration conf = s3().serviceClientConfiguration();
            S3Presigner.Builder b = S3Presigner.builder().s3Client(s3()).region(conf.region())
                    .credentialsProvider(conf.credentialsProvider());
            if (conf.endpointOverride().isPresent()) {
                // an emulator: path-style, as the client is configured (AwsClients.s3)
                b.endpointOverride(conf.endpointOverride().get())
                        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
            }
            p = b.build();
            presigner = p;
        }
        try {
            return p.presignPutObject(r -> r.signatureDuration(ttl).putObjectRequest(o -> o.bucket(bucket).key(key)))
                    .url().toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned an invalid URL", e);
        }
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        try {
            HeadObjectResponse r = s3().headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(new BlobInfo(r.eTag(), r.lastModified(), r.contentLength(), r.contentType(),
                    r.cacheControl(), r.metadata()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<Blob> get(String key) {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3().getObjectAsBytes(b -> b.bucket(bucket).key(key));
            GetObjectResponse r = bytes.response();
            return Optional.of(new Blob(new BlobInfo(r.eTag(), r.lastModified(), r.contentLength(), r.contentType(),
                    r.cacheControl(), r.metadata()), bytes.asByteArrayUnsafe()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] body, Attributes attributes) {
        return conditionalPut(request(key, attributes).ifNoneMatch("*").build(), body);
    }

    @Override
    public boolean putIfMatch(String key, byte[] body, Attributes attributes, String expectedEtag) {
        PutObjectRequest.Builder b = request(key, attributes);
        if (expectedEtag == null) {
            b.ifNoneMatch("*");
        } else {
            b.ifMatch(expectedEtag);
        }
        return conditionalPut(b.build(), body);
    }

    @Override
    public void put(String key, byte[] body, Attributes attributes) {
        s3().putObject(request(key, attributes).build(), RequestBody.fromBytes(body));
    }

    @Override
    public void delete(String key) {
        s3().deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public List<String> keys(String prefix) {
        List<String> out = new ArrayList<>();
        s3().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(o -> out.add(o.key()));
        return out;
    }

    String bucket() {
        return bucket;
    }

    private boolean conditionalPut(PutObjectRequest request, byte[] body) {
        try {
            s3().putObject(request, RequestBody.fromBytes(body));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409 || (e.statusCode() == 404 && request.ifMatch() != null)) {
                return false;
            }
            throw e;
        }
    }

    private PutObjectRequest.Builder request(String key, Attributes a) {
        // Never a Content-Encoding: cargo checksums the bytes exactly as stored.
        return PutObjectRequest.builder().bucket(bucket).key(key)
                .contentType(a.contentType())
                .cacheControl(a.cacheControl())
                .metadata(a.metadata());
    }
}
