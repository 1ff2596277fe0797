package software.amazon.awssdk.regions;

import software.amazon.awssdk.regions.servicemetadata.CloudfrontServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.DynamodbServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.EnhancedS3ServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.StreamsDynamodbServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.StsServiceMetadata;

/**
 * The registry's replacement for the SDK's generated table of every AWS service's endpoint metadata (same name, so the
 * SDK's {@code MetadataLoader} finds it; the Lambda jars exclude the SDK's own, see functions/pom.xml).
 *
 * <p>Why: building any SDK client asks {@link ServiceMetadata#of} for its signing region, and the SDK's class builds
 * one object per AWS service (over 400 classes, about 0.1 s of a cold JVM, and 0.76 MB of every jar) to answer for one.
 * This answers with the SDK's own generated metadata for the services the registry calls, built on demand, and null
 * for every other service, which the SDK treats as it treats a service it does not know
 * ({@code DefaultServiceMetadata}: the region as given). {@code ServiceMetadataOverrideTest} compares every answer
 * with the SDK's class, region by region, so an SDK upgrade that changes them fails the build.
 */
public final class GeneratedServiceMetadataProvider implements ServiceMetadataProvider {

    @Override
    public ServiceMetadata serviceMetadata(String endpointPrefix) {
        switch (endpointPrefix) {
            case "dynamodb":
                return new DynamodbServiceMetadata();
            case "streams.dynamodb":
                return new StreamsDynamodbServiceMetadata();
            case "s3":
                return new EnhancedS3ServiceMetadata();
            case "cloudfront":
                return new CloudfrontServiceMetadata();
            case "sts":
                return new StsServiceMetadata();
            default:
                return null;
        }
    }
}
