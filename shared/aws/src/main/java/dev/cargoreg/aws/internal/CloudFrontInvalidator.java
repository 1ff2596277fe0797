package dev.cargoreg.aws.internal;

import dev.cargoreg.core.port.CdnInvalidator;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
        List<String> items = cachedPaths(paths);
        // The caller reference is made per call, never at init: nothing unique may be captured in a SnapStart snapshot.
        String reference = UUID.randomUUID().toString();
        cloudFront.createInvalidation(r -> r.distributionId(distributionId)
                .invalidationBatch(b -> b.callerReference(reference)
                        .paths(p -> p.quantity(items.size()).items(items))));
    }

    /**
     * The paths as CloudFront caches them. The viewer-request function on /crates/* (infra/cloudfront/crate-path.js)
     * rewrites `+` to `%2B` before the cache lookup, so a `+build` tarball is cached under the `%2B` form; CloudFront
     * asks for both URIs when a viewer-request function changes the URI. Index paths never contain `+`.
     */
    static List<String> cachedPaths(Collection<String> paths) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : paths) {
            out.add(p);
            if (p.indexOf('+') >= 0) {
                out.add(p.replace("+", "%2B"));
            }
        }
        return List.copyOf(out);
    }
}
