package dev.cargoreg.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.core.wiring.RegistryServices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A registry over the in-memory fakes, with crates published the way cargo publishes them, for service tests.
 * (The integration tests' registry over DynamoDB Local and S3 is {@code dev.cargoreg.testing.AwsRegistryFixture}.)
 */
public final class FakeRegistry {
    public static final Instant START = Instant.parse("2025-06-01T12:00:00Z");

    public final MutableClock clock = new MutableClock(START);
    public final RegistryConfig config = TestConfigs.config();
    public final InMemoryMetadataStore store = new InMemoryMetadataStore();
    public final InMemoryBlobStore blobs = new InMemoryBlobStore(clock);
    public final RecordingCdn cdn = new RecordingCdn();
    /** The production composition root over the fakes. */
    public final RegistryServices services = RegistryServices.builder().config(config).clock(clock).store(store)
            .blobs(blobs).cdn(cdn).searchSource(InMemorySearchSource.of(store)).build();
    public final IndexSync index = services.index();
    public final PublishService publisher = services.publish();

    /** Creates users (non-admin) that the tests act as. */
    public FakeRegistry users(String... logins) {
        for (String l : logins) {
            Unaudited.of(store).createUser(l, l.substring(0, 1).toUpperCase() + l.substring(1), false, START);
        }
        return this;
    }

    public FakeRegistry admin(String login) {
        Unaudited.of(store).createUser(login, login, true, START);
        return this;
    }

    /** A caller with an unrestricted token. */
    public Principal as(String login) {
        boolean admin = store.findUser(login).map(u -> u.admin()).orElse(false);
        return new Principal(login, 1, admin, null, null, null, false);
    }

    /** A caller whose token has these scopes ({@code null}: unrestricted). */
    public Principal as(String login, Set<Scope> endpointScopes, List<String> crateScopes) {
        boolean admin = store.findUser(login).map(u -> u.admin()).orElse(false);
        return new Principal(login, 1, admin, endpointScopes, crateScopes, null, false);
    }

    /** Publishes through PublishService, one minute after the previous publish. */
    public void publish(String login, String name, String version) {
        clock.advance(Duration.ofMinutes(1));
        byte[] body = PublishBodyBuilder.of(name, version).with("description", name + " " + version).body();
        publisher.publish(as(login), body);
    }

    /** The crate's index file at the origin, one parsed line per version, empty when there is no file. */
    public List<JsonNode> indexLines(String name) {
        return blobs.get(IndexPaths.keyOf(name))
                .map(b -> new String(b.body(), StandardCharsets.UTF_8).lines().map(FakeRegistry::json).toList())
                .orElse(List.of());
    }

    /** The `vers` of each index line, with a `!` after yanked ones. */
    public List<String> indexVersions(String name) {
        return indexLines(name).stream()
                .map(l -> l.get("vers").asText() + (l.get("yanked").asBoolean() ? "!" : ""))
                .toList();
    }

    private static JsonNode json(String line) {
        try {
            return Json.mapper().readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
