package dev.cargoreg.aws.internal;

import dev.cargoreg.core.port.CdnInvalidator;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Asks CloudFront to drop cached copies of changed index paths. */
public final class CloudFrontInvalidator implements CdnInvalidator {
    private final CloudFrontClient cloudFront;
    private final String distributionId;

    public CloudFrontInvalidator(CloudFrontClient cloudFront, String distributionId) {
        this.cloudFront = cloudFront;
        this.distributionId = distributionId;
    }

    @Override
    public void invalidate(Collection<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        List<String> items = List.copyOf(paths);
        // The caller reference is made per call, never at init: nothing unique may be captured in a SnapStart snapshot.
        String reference = UUID.randomUUID().toString();
        cloudFront.createInvalidation(r -> r.distributionId(distributionId)
                .invalidationBatch(b -> b.callerReference(reference)
                        .paths(p -> p.quantity(items.size()).items(items))));
    }
}
