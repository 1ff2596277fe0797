package dev.cargoreg.local;

import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.aws.internal.DynamoMetadataStore;
import dev.cargoreg.aws.internal.S3BlobStore;
import dev.cargoreg.core.mirror.MirrorConfig;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;

import java.nio.file.Path;

/**
 * Starts the local runner in-process with a mirror, for the bench's mirror section: the bench lives in this package only
 * to reach {@link Options} (package-private on purpose), so the runner measured is the real one.
 */
public final class MirrorRunner {
    private MirrorRunner() {
    }

    public static LocalRegistry start(Path dataDir, MirrorConfig mirror) {
        return LocalRegistry.start(Options.builder(dataDir).mirror(mirror).build());
    }

    /** The runner's bucket as the mirror sees it (the same adapter over the embedded S3), to time its storage calls. */
    public static BlobStore bucket(LocalRegistry registry) {
        return new S3BlobStore(AwsClients.s3(AwsClients.Settings.emulated(null, registry.backends().s3Endpoint())),
                LocalRegistry.BUCKET);
    }

    /** The runner's table (DynamoDB Local, the same adapter), to time the mirror's private-name lookup. */
    public static MetadataStore table(LocalRegistry registry) {
        return new DynamoMetadataStore(registry.backends().dynamo(), LocalRegistry.TABLE);
    }
}
