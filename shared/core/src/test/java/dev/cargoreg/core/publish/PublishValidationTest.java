package dev.cargoreg.core.publish;

import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.MetadataStore.VersionRecord;
import dev.cargoreg.core.testing.InMemoryBlobStore;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import dev.cargoreg.core.testing.MutableClock;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.core.testing.TestConfigs;
import dev.cargoreg.core.tokens.Authenticator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validation happens before anything is written, and whatever passes it fits in a DynamoDB item. */
class PublishValidationTest {
    /** DynamoDB's item size limit. */
    private static final int DYNAMO_ITEM_BYTES = 400 * 1024;

    private final RegistryConfig config = TestConfigs.config();
    private InMemoryMetadataStore store;
    private InMemoryBlobStore blobs;
    private PublishService service;
    private String alice;

    @BeforeEach
    void setUp() {
        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
        store = new InMemoryMetadataStore();
        blobs = new InMemoryBlobStore(clock);
        service = new PublishService(config, store, blobs, new IndexSync(store, blobs, config), clock);
        alice = store.addUserWithToken("alice", "cargoreg_alice_secret");
    }

    private byte[] body(String json, String name, String vers) {
        return PublishBodyBuilder.envelope(json, TarballBuilder.valid(name, vers));
    }

    private void refusedBeforeAnyWrite(byte[] body) {
        RegistryException e = assertThrows(RegistryException.class, () -> service.publish(new Authenticator(store).resolve(alice, false), body));
        assertEquals(400, e.status(), e.detail());
        assertEquals(List.of(), blobs.writes(), "nothing may be written before validation passed");
        assertTrue(store.commits().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"keywords", "categories", "authors"})
    void null_inside_a_list_is_a_400_before_the_tarball_is_written(String field) {
        refusedBeforeAnyWrite(body("{\"name\":\"foo\",\"vers\":\"1.0.0\",\"" + field + "\":[null]}", "foo", "1.0.0"));
    }

    @Test
    void an_invalid_version_requirement_is_a_400_before_anything_is_written() {
        refusedBeforeAnyWrite(body(PublishBodyBuilder.of("foo", "1.0.0").dep(PublishBodyBuilder.dep("serde", "not a req")).json(), "foo", "1.0.0"));
    }

    @Test
    void metadata_too_large_to_store_is_a_400_before_anything_is_written() {
        PublishBodyBuilder m = PublishBodyBuilder.of("foo", "1.0.0");
        for (int i = 0; i < 6; i++) {
            m.dep(heavyDep(i, Limits.defaults().maxFeatureValues()));
        }
        refusedBeforeAnyWrite(body(m.json(), "foo", "1.0.0"));
    }

    @Test
    void the_largest_metadata_validation_accepts_fits_in_a_dynamodb_item() {
        MetadataValidator validator = new MetadataValidator(config.limits());
        int maxValues = Limits.defaults().maxFeatureValues();
        // as many dependencies with 300 long feature values as pass, then one more with as many values as pass
        int heavy = 0;
        while (accepts(validator, largest(heavy + 1, 0).json())) {
            heavy++;
        }
        int n = 0;
        while (n < maxValues && accepts(validator, largest(heavy, n + 1).json())) {
            n++;
        }
        assertTrue(n < maxValues, "the total bound, not a per-field limit, is what stopped the growth");
        String json = largest(heavy, n).json();
        assertTrue(json.length() < config.limits().maxMetadataBytes(), "the envelope limit is not what stops it");

        service.publish(new Authenticator(store).resolve(alice, false), PublishBodyBuilder.envelope(json, TarballBuilder.valid(NAME, VERSION)));

        VersionRecord stored = store.commits().get(0).version();
        long size = dynamoItemSize(stored);
        assertTrue(size > MetadataValidator.MAX_STORED_BYTES - 2 * 1024, "the test reaches the bound: " + size);
        assertTrue(size + 1024 < DYNAMO_ITEM_BYTES, "the version item fits with room for yank bookkeeping: " + size);
    }

    private static final String NAME = "a".repeat(64);
    private static final String VERSION = "1.0.0-" + "p".repeat(122);

    /** Every other field at its own limit (in 3-byte characters where allowed), plus the given heavy dependencies. */
    private PublishBodyBuilder largest(int heavyDeps, int lastDepValues) {
        PublishBodyBuilder m = PublishBodyBuilder.of(NAME, VERSION)
                .with("description", "\u6587".repeat(333))
                .with("homepage", "https://example.com/" + "h".repeat(2048 - 20))
                .with("documentation", "https://example.com/" + "d".repeat(2048 - 20))
                .with("repository", "https://example.com/" + "r".repeat(2048 - 20))
                .with("license", "MIT OR LicenseRef-" + "x".repeat(1024 - 18))
                .with("license_file", "l".repeat(config.limits().maxPathBytes()))
                .with("readme_file", "r".repeat(config.limits().maxPathBytes()))
                .with("links", "z".repeat(256))
                .with("rust_version", "1.70.0")
                .with("keywords", Collections.nCopies(5, "k".repeat(20)))
                .with("categories", Collections.nCopies(5, "c".repeat(100)))
                .with("authors", Collections.nCopies(100, "\u6587".repeat(1024)));
        for (int i = 0; i < heavyDeps; i++) {
            m.dep(heavyDep(i, Limits.defaults().maxFeatureValues()));
        }
        if (lastDepValues > 0) {
            m.dep(heavyDep(heavyDeps, lastDepValues));
        }
        return m;
    }

    private static boolean accepts(MetadataValidator v, String json) {
        try {
            v.validate(v.parse(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8))));
            return true;
        } catch (RegistryException e) {
            assertTrue(e.detail().contains("too large to store"), e.detail());
            return false;
        }
    }

    /** A dependency enabling {@code n} features of 256 characters each. */
    private static Map<String, Object> heavyDep(int i, int n) {
        Map<String, Object> d = PublishBodyBuilder.dep("dep" + i, "^1");
        String[] features = new String[n];
        for (int f = 0; f < n; f++) {
            features[f] = ("f" + f + "_" + "x".repeat(256)).substring(0, 256);
        }
        d.put("features", Arrays.asList(features));
        return d;
    }

    /** DynamoDB's item size: UTF-8 bytes of attribute names and values, numbers at their 21-byte maximum, 3 bytes per list or map plus 1 per element. */
    private static long dynamoItemSize(VersionRecord v) {
        long size = attr("PK", "CRATE#" + v.canonicalName()) + attr("SK", "V#" + v.versionWithoutBuild())
                + "seq".length() + 21 + attr("vers", v.version()) + attr("line", v.line()) + "yanked".length() + 1
                + attr("cksum", v.cksum()) + "size".length() + 21 + attr("publisher", v.publishedBy())
                + attr("published", v.publishedAt().toString()) + "details".length() + 3;
        for (Map.Entry<String, Object> e : v.details().toMap().entrySet()) {
            size += 1 + utf8(e.getKey());
            if (e.getValue() instanceof List<?> list) {
                size += 3;
                for (Object o : list) {
                    size += 1 + utf8(String.valueOf(o));
                }
            } else {
                size += utf8(String.valueOf(e.getValue()));
            }
        }
        return size;
    }

    private static long attr(String name, String value) {
        return utf8(name) + utf8(value);
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
