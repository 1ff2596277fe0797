package dev.cargoreg.core.port;

import java.util.Collection;

/** Tells the CDN that paths changed (CloudFront in AWS; nothing to do where the origin is served directly). */
public interface CdnInvalidator {

    /** Paths start with `/` and are as the CDN serves them, e.g. {@code /index/se/rd/serde}. */
    void invalidate(Collection<String> paths);

    CdnInvalidator NONE = paths -> { };
}
