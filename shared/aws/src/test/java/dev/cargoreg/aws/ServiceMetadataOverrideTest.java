package dev.cargoreg.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import software.amazon.awssdk.annotations.SdkPublicApi;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.regions.GeneratedServiceMetadataProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.ServiceMetadata;
import software.amazon.awssdk.utils.ImmutableMap;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry's {@link GeneratedServiceMetadataProvider} answers exactly as the SDK's own generated class does for
 * the services the registry calls, in every region the SDK knows. The SDK's class is loaded from the SDK's regions
 * jar in a class loader of its own (on this classpath the registry's class shadows it).
 */
class ServiceMetadataOverrideTest {

    @Test
    void the_sdk_finds_the_registrys_provider_not_its_own_table() {
        assertEquals(jar(ServiceMetadataOverrideTest.class).getProtocol(),
                jar(GeneratedServiceMetadataProvider.class).getProtocol(), "the registry's class, from its build output");
        assertNotEquals(jar(Region.class), jar(GeneratedServiceMetadataProvider.class));
        // a known service: the SDK's generated metadata (its own regions list), not its fallback for unknown services
        assertFalse(ServiceMetadata.of("dynamodb").regions().isEmpty());
        assertTrue(ServiceMetadata.of("s3").regions().contains(Region.EU_WEST_1));
    }

    @Test
    void services_the_registry_never_calls_get_the_sdks_fallback() {
        assertNull(new GeneratedServiceMetadataProvider().serviceMetadata("ec2"));
        assertEquals(Region.EU_WEST_1, ServiceMetadata.of("ec2").signingRegion(Region.EU_WEST_1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dynamodb", "streams.dynamodb", "s3", "cloudfront", "sts"})
    void answers_like_the_sdks_generated_class_in_every_region(String service) throws Exception {
        try (URLClassLoader sdk = new URLClassLoader(new URL[] {jar(Region.class), jar(ImmutableMap.class),
                jar(SdkBytes.class), jar(ProfileFile.class), jar(JsonNode.class), jar(Logger.class),
                jar(SdkPublicApi.class)}, ClassLoader.getPlatformClassLoader())) {
            Class<?> original = sdk.loadClass(GeneratedServiceMetadataProvider.class.getName());
            assertNotEquals(GeneratedServiceMetadataProvider.class, original);
            Object theirs = original.getMethod("serviceMetadata", String.class).invoke(
                    original.getConstructor().newInstance(), service);
            ServiceMetadata ours = new GeneratedServiceMetadataProvider().serviceMetadata(service);

            Class<?> regionClass = sdk.loadClass(Region.class.getName());
            Method regionOf = regionClass.getMethod("of", String.class);
            Class<?> metadataClass = sdk.loadClass(ServiceMetadata.class.getName());
            Method signing = metadataClass.getMethod("signingRegion", regionClass);
            Method endpoint = metadataClass.getMethod("endpointFor", regionClass);
            Method regions = metadataClass.getMethod("regions");
            Method id = regionClass.getMethod("id");

            List<String> theirRegions = new ArrayList<>();
            for (Object r : (List<?>) regions.invoke(theirs)) {
                theirRegions.add((String) id.invoke(r));
            }
            assertEquals(theirRegions, ours.regions().stream().map(Region::id).toList());
            List<Region> every = new ArrayList<>(Region.regions());
            every.add(Region.of("eu-central-2"));
            assertTrue(every.size() > 30, "the SDK knows " + every.size() + " regions");
            for (Region r : every) {
                Object theirRegion = regionOf.invoke(null, r.id());
                assertEquals(id.invoke(signing.invoke(theirs, theirRegion)), ours.signingRegion(r).id(), service + " in " + r);
                assertEquals(endpoint.invoke(theirs, theirRegion), ours.endpointFor(r), service + " in " + r);
            }
        }
    }

    private static URL jar(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation();
    }
}
