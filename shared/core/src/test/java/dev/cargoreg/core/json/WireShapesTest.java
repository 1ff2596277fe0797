package dev.cargoreg.core.json;

import dev.cargoreg.core.admin.NewUser;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.crates.CrateJson;
import dev.cargoreg.core.crates.CrateReadService;
import dev.cargoreg.core.publish.PublishEnvelope;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.core.tokens.NewToken;
import dev.cargoreg.core.tokens.TokenService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The services' answers rendered as the handlers render them ({@code Api.json}: this mapper), byte for byte against
 * the answers of the map-based services they replaced (src/test/resources/wire, recorded before the change; token
 * secrets, checksums and sizes masked). A renamed field, a reordered key or a lost null shows here.
 */
class WireShapesTest {
    private FakeRegistry f;

    @BeforeEach
    void setUp() {
        f = new FakeRegistry().users("alice").admin("root");
        byte[] body = PublishEnvelope.encode(PublishBodyBuilder.of("foo", "1.0.0")
                .with("description", "does foo").with("homepage", "https://h.example").with("documentation", "https://d.example")
                .with("repository", "https://r.example").with("keywords", List.of("kw1", "kw2")).with("categories", List.of())
                .with("readme_file", "README.md").with("links", "z").with("rust_version", "1.70")
                .feature("default", "std").feature("std").bytes(), TarballBuilder.valid("foo", "1.0.0"));
        f.publisher.publish(f.as("alice"), body);
        f.clock.advance(Duration.ofMinutes(1));
        f.publish("alice", "foo", "1.1.0-beta.1");
        f.publish("root", "bar", "0.1.0");
        f.clock.advance(Duration.ofMinutes(1));
        f.publisher.publish(f.as("alice"), PublishEnvelope.encode(PublishBodyBuilder.of("baz", "2.0.0")
                .with("keywords", List.of("k-a", "k-b")).with("categories", List.of("science")).bytes(),
                TarballBuilder.valid("baz", "2.0.0")));
    }

    private static String render(Object answer) throws IOException {
        return mask(Json.mapper().writeValueAsString(answer));
    }

    /** Token secrets are random, and a tarball's bytes (checksum, size) carry the time it was built. */
    private static String mask(String json) {
        return json.replaceAll("cargoreg_[A-Za-z0-9_-]+", "SECRET")
                .replaceAll("\"checksum\":\"[0-9a-f]{64}\"", "\"checksum\":\"SHA-256\"")
                .replaceAll("\"crate_size\":[0-9]+", "\"crate_size\":0");
    }

    private static String recorded(String name) throws IOException {
        try (InputStream in = WireShapesTest.class.getResourceAsStream("/wire/" + name + ".json")) {
            return mask(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void crate_api() throws IOException {
        CrateReadService crates = f.services.crates();

        assertEquals(recorded("crate"), render(crates.crate("foo")));
        assertEquals(recorded("crate-bar"), render(crates.crate("bar")));
        assertEquals(recorded("crate-baz"), render(crates.crate("baz")));
        assertEquals(recorded("versions"), render(crates.versions("foo")));
        assertEquals(recorded("version"), render(crates.version("foo", "1.0.0")));
    }

    @Test
    void token_api() throws IOException {
        TokenService tokens = f.services.tokens();

        assertEquals(recorded("token-create"), render(tokens.create(f.as("alice"), new NewToken("ci",
                EnumSet.of(Scope.YANK, Scope.PUBLISH_UPDATE), List.of("foo", "bar-*"), Instant.parse("2030-01-01T00:00:00Z")))));
        assertEquals(recorded("token-create-plain"), render(tokens.create(f.as("alice"), new NewToken("plain", null, null, null))));
        assertEquals(recorded("token-list"), render(tokens.list(f.as("alice"))));
        assertEquals(recorded("me"), render(tokens.me(f.as("alice"))));
    }

    @Test
    void admin_api() throws IOException {
        assertEquals(recorded("user-create"), render(f.services.users().createUser(f.as("root"), new NewUser("bob", "Bob", true))));
        assertEquals(recorded("reindex"), render(f.services.reindex().reindex(f.as("root"))));
    }

    @Test
    void search_still_renders_the_crate_object_as_before() throws IOException {
        String crate = recorded("crate-baz");
        String expected = crate.substring(crate.indexOf("\"crate\":") + 8, crate.indexOf(",\"versions\":["))
                + crate.substring(crate.indexOf("],\"yanked\":false}") + 1, crate.indexOf(",\"keywords\":[{"));
        var summary = f.store.findCrate("baz").orElseThrow();
        assertEquals(expected, render(CrateJson.summary(summary.name(), summary.summary(),
                summary.createdAt(), summary.updatedAt(), false)));
    }
}
