package dev.cargoreg.core.trustpub;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.audit.AuditQuery;
import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.crate.Provenance;
import dev.cargoreg.core.crates.VersionView;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.owners.OwnerLogins;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;
import dev.cargoreg.core.testing.InMemoryBlobStore;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import dev.cargoreg.core.testing.InMemorySearchSource;
import dev.cargoreg.core.testing.LocalOidcIssuer;
import dev.cargoreg.core.testing.MutableClock;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.RecordingCdn;
import dev.cargoreg.core.testing.TestConfigs;
import dev.cargoreg.core.testing.Unaudited;
import dev.cargoreg.core.tokens.wire.TokenRequests;
import dev.cargoreg.core.wiring.RegistryServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exchange against a real local OIDC issuer over HTTP (keys, discovery, JWKS), and every refusal it must make. */
class TrustedPublishingServiceTest {
    static final String AUDIENCE = "api.example.com";
    static final String REPO = "acme/widget";
    static final String OWNER_ID = "7001";
    static LocalOidcIssuer issuer;
    static LocalOidcIssuer stranger;
    static LocalOidcIssuer gitlab;

    MutableClock clock;
    InMemoryMetadataStore store;
    RegistryServices services;
    TrustedPublishingService trust;
    Instant now;

    @BeforeAll
    static void issuers() {
        issuer = new LocalOidcIssuer();
        stranger = new LocalOidcIssuer();
        gitlab = new LocalOidcIssuer();
    }

    @AfterAll
    static void stop() {
        issuer.close();
        stranger.close();
        gitlab.close();
    }

    @BeforeEach
    void setUp() {
        now = Instant.now();
        clock = new MutableClock(now);
        store = new InMemoryMetadataStore();
        RegistryConfig config = TestConfigs.config().toBuilder().addTrustedIssuers("github=" + issuer.url() + ",gitlab=" + gitlab.url()).build();
        services = RegistryServices.builder().config(config).clock(clock).store(store).blobs(new InMemoryBlobStore(clock))
                .cdn(new RecordingCdn()).searchSource(InMemorySearchSource.of(store)).build();
        trust = services.trustedPublishing();
        Unaudited.of(store).createUser("alice", "Alice", false, now);
        Unaudited.of(store).createUser("bob", "Bob", false, now);
        publish(alice(), "widget", "1.0.0");
        publish(alice(), "gadget", "1.0.0");
        createConfig(alice(), "widget", "release.yml", null);
    }

    Principal alice() {
        return new Principal("alice", 1, false, null, null, null, false);
    }

    void publish(Principal p, String name, String version) {
        services.publish().publish(p, PublishBodyBuilder.of(name, version).body());
    }

    Map<String, Object> createConfig(Principal p, String crate, String workflow, String environment) {
        String body = "{\"github_config\":{\"crate\":\"" + crate + "\",\"repository_owner\":\"acme\",\"repository_name\":\"widget\","
                + "\"workflow_filename\":\"" + workflow + "\",\"environment\":" + (environment == null ? "null" : "\"" + environment + "\"") + "}}";
        return trust.create(p, "github", body.getBytes(StandardCharsets.UTF_8));
    }

    JWTClaimsSet.Builder claims() {
        return issuer.github(AUDIENCE, REPO, OWNER_ID, "release.yml", now);
    }

    String exchange(String jwt) {
        return trust.exchange(LocalOidcIssuer.exchangeBody(jwt).getBytes(StandardCharsets.UTF_8)).token();
    }

    /** Refused with 400 and a message containing {@code expected}, and no token minted. */
    void refused(String jwt, String expected) {
        long before = store.listTokens("alice").size();
        RegistryException e = assertThrows(RegistryException.class, () -> exchange(jwt));
        assertEquals(400, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected `" + expected + "` in: " + e.getMessage());
        assertEquals(before, store.listTokens("alice").size(), "nothing minted");
    }

    @Test
    void a_workflow_token_is_exchanged_for_a_30_minute_publish_only_token_whose_versions_record_their_provenance() {
        String secret = exchange(issuer.sign(claims().build()));
        Principal p = services.authenticator().resolve(secret, false);
        assertEquals("alice", p.login());
        assertEquals(EnumSet.of(Scope.PUBLISH_UPDATE), p.endpointScopes());
        assertEquals(List.of("widget"), p.crateScopes());
        TokenRecord t = store.findToken(Tokens.sha256Hex(secret)).orElseThrow();
        assertEquals(now.plus(Duration.ofMinutes(30)), t.expiresAt());

        // it publishes the matched crate, and nothing else: not another crate, not a new crate, no yank, no tokens
        publish(p, "widget", "1.1.0");
        assertEquals(403, assertThrows(RegistryException.class, () -> publish(p, "gadget", "1.1.0")).status());
        assertEquals(403, assertThrows(RegistryException.class, () -> publish(p, "brand-new", "0.1.0")).status());
        assertEquals(403, assertThrows(RegistryException.class, () -> services.yank().setYanked(p, "widget", "1.0.0", true)).status());
        assertEquals(403, assertThrows(RegistryException.class, () -> services.tokens().create(p,
                TokenRequests.newToken("{\"api_token\":{\"name\":\"x\"}}".getBytes(StandardCharsets.UTF_8)))).status());

        VersionView v = services.crates().version("widget", "1.1.0").version();
        assertEquals(Map.of("provider", "github", "repository", REPO, "workflow", "release.yml", "run_id", "4242",
                "sha", "0123456789abcdef0123456789abcdef01234567"), v.trustpubData());
        assertEquals(null, services.crates().version("widget", "1.0.0").version().trustpubData());

        // the owner id was pinned at first use
        assertEquals(OWNER_ID, store.trustConfigsOfCrate("widget").get(0).ownerId());
        // and the token revokes itself
        trust.revoke(p);
        assertFalse(services.authenticator().resolve(secret, false).authenticated());
        Principal ordinary = new Principal("alice", 999, false, null, null, null, false);
        assertEquals(400, assertThrows(RegistryException.class, () -> trust.revoke(ordinary)).status());
    }

    /** The newest record of {@code action}; then the clock moves on, so that the next change's records come later. */
    private AuditRecord newest(String action) {
        AuditRecord newest = store.auditTrail(new AuditQuery(null, null, null, action, null, 10, null)).records().get(0);
        clock.advance(Duration.ofMillis(1));
        return newest;
    }

    @Test
    void the_exchange_configuration_changes_and_what_the_token_does_are_recorded_with_the_ci_run() {
        Provenance run = new Provenance("github", REPO, "release.yml", "4242", "0123456789abcdef0123456789abcdef01234567");
        clock.advance(Duration.ofMillis(1));
        AuditRecord created = newest("trustpub.config_created");
        assertEquals("alice", created.actor());
        assertEquals("widget", created.crate());
        assertTrue(created.detail().startsWith("github acme/widget workflow release.yml (config id "), created.detail());

        String secret = exchange(issuer.sign(claims().build()));
        AuditRecord minted = newest("token.created");
        assertEquals("alice", minted.actor(), "the token acts as the configuration's creator");
        assertEquals(0, minted.tokenId(), "no token of alice's was used: the CI run's JWT was");
        assertEquals(run, minted.provenance());
        assertTrue(minted.detail().startsWith("token `trusted publishing: github acme/widget run 4242`"), minted.detail());

        Principal p = services.authenticator().resolve(secret, false);
        assertEquals(run, p.provenance(), "the authorizer resolves where the token came from");
        assertEquals(p, Principal.fromContext(p.toContext()), "and passes it to the functions in its context");
        publish(p, "widget", "1.1.0");
        AuditRecord published = newest("crate.published");
        assertEquals("alice", published.actor());
        assertEquals(p.tokenId(), published.tokenId());
        assertEquals("trusted publishing: github acme/widget run 4242", published.tokenName());
        assertEquals(run, published.provenance());

        trust.revoke(p);
        assertEquals(run, newest("token.revoked").provenance());

        trust.delete(alice(), "github", Long.toString(store.trustConfigsOfCrate("widget").get(0).id()));
        assertEquals(created.detail(), newest("trustpub.config_deleted").detail());
    }

    @Test
    void the_token_expires_after_30_minutes() {
        String secret = exchange(issuer.sign(claims().build()));
        clock.advance(Duration.ofMinutes(30).plusSeconds(1));
        assertFalse(services.authenticator().resolve(secret, false).authenticated());
    }

    @Test
    void a_replayed_token_is_refused() {
        String jwt = issuer.sign(claims().build());
        exchange(jwt);
        refused(jwt, "JWT has already been used");
    }

    @Test
    void expired_not_yet_valid_and_future_tokens_are_refused() {
        Instant old = now.minus(Duration.ofMinutes(20));
        refused(issuer.sign(claims().issueTime(Date.from(old)).notBeforeTime(Date.from(old))
                .expirationTime(Date.from(old.plusSeconds(300))).build()), "Expired JWT");
        refused(issuer.sign(claims().notBeforeTime(Date.from(now.plusSeconds(600))).build()), "before use time");
        refused(issuer.sign(claims().issueTime(Date.from(now.plusSeconds(600))).expirationTime(Date.from(now.plusSeconds(900)))
                .notBeforeTime(null).build()), "issued in the future");
    }

    @Test
    void audience_issuer_and_required_claims_are_checked() {
        refused(issuer.sign(claims().audience("crates.io").build()), "aud claim rejected");
        refused(issuer.sign(claims().audience(List.of(AUDIENCE, "other")).build()), "single string");
        refused(stranger.sign(claims().issuer(stranger.url()).build()), "Unsupported JWT issuer");
        refused(issuer.sign(claims().jwtID(null).build()), "jti");
        refused(issuer.sign(claims().claim("repository_owner_id", null).build()), "repository_owner_id");
    }

    @Test
    void unknown_keys_forged_signatures_alg_none_and_hs256_with_the_public_key_are_refused() {
        refused(issuer.signWithUnknownKey(claims().build()), "Invalid JWT key ID");
        refused(issuer.signForged(claims().build()), "Invalid signature");
        refused(issuer.unsigned(claims().build()), "alg `none`");
        refused(issuer.signHs256WithPublicKey(claims().build()), "only RS256");
        refused("not.a.jwt", "Failed to decode JWT");
    }

    @Test
    void a_rotated_key_is_fetched_when_a_token_names_it() throws Exception {
        exchange(issuer.sign(claims().build()));
        int fetches = issuer.jwksFetches();
        issuer.rotate();
        Thread.sleep(OidcVerifier.KEY_REFRESH_MIN_INTERVAL.toMillis() + 100);
        assertNotNull(exchange(issuer.sign(claims().build())));
        assertTrue(issuer.jwksFetches() > fetches, "the JWKS was fetched again for the new kid");
    }

    @Test
    void wrong_repository_owner_workflow_environment_and_event_are_refused() {
        refused(issuer.sign(issuer.github(AUDIENCE, "acme/other", OWNER_ID, "release.yml", now).build()), "No Trusted Publishing config found");
        refused(issuer.sign(issuer.github(AUDIENCE, REPO, OWNER_ID, "ci.yml", now).build()), "workflow filename `ci.yml`");
        refused(issuer.sign(claims().claim("event_name", "pull_request_target").build()), "pull_request_target");
        exchange(issuer.sign(claims().build()));
        // pinned: the same name with another owner id (a re-created account) no longer matches
        refused(issuer.sign(issuer.github(AUDIENCE, REPO, "9999", "release.yml", now).build()), "repository owner ID");
    }

    @Test
    void an_environment_in_the_configuration_must_be_the_jobs() {
        trust.delete(alice(), "github", Long.toString(store.trustConfigsOfCrate("widget").get(0).id()));
        createConfig(alice(), "widget", "release.yml", "production");
        refused(issuer.sign(claims().build()), "requires an environment");
        refused(issuer.sign(claims().claim("environment", "staging").build()), "environment `staging`");
        assertNotNull(exchange(issuer.sign(claims().claim("environment", "Production").build())));
    }

    @Test
    void a_configuration_for_another_crate_does_not_let_this_repository_publish_that_crate() {
        String secret = exchange(issuer.sign(claims().build()));
        Principal p = services.authenticator().resolve(secret, false);
        RegistryException e = assertThrows(RegistryException.class, () -> publish(p, "gadget", "2.0.0"));
        assertTrue(e.getMessage().contains("crate scopes"), e.getMessage());
    }

    @Test
    void only_owners_manage_configurations_in_crates_ios_shapes() {
        Principal bob = new Principal("bob", 2, false, null, null, null, false);
        assertEquals(403, assertThrows(RegistryException.class, () -> createConfig(bob, "widget", "x.yml", null)).status());
        assertEquals(403, assertThrows(RegistryException.class, () -> trust.list(bob, "github", "widget")).status());
        Principal scoped = new Principal("alice", 3, false, EnumSet.of(Scope.PUBLISH_UPDATE), List.of("widget"), null, false);
        assertEquals(403, assertThrows(RegistryException.class, () -> createConfig(scoped, "widget", "x.yml", null)).status());
        Map<String, Object> list = trust.list(alice(), "github", "widget");
        @SuppressWarnings("unchecked")
        List<TrustConfigView> configs = (List<TrustConfigView>) list.get("github_configs");
        assertEquals(1, configs.size());
        assertEquals("acme", configs.get(0).repositoryOwner());
        assertEquals("release.yml", configs.get(0).workflowFilename());
        assertEquals(Map.of("total", 1, "next_page", "null"), Map.of("total", ((Map<?, ?>) list.get("meta")).get("total"),
                "next_page", String.valueOf(((Map<?, ?>) list.get("meta")).get("next_page"))));
        String id = Long.toString(configs.get(0).id());
        assertEquals(403, assertThrows(RegistryException.class, () -> trust.delete(bob, "github", id)).status());
        assertEquals(404, assertThrows(RegistryException.class, () -> trust.delete(alice(), "gitlab", id)).status());
        trust.delete(alice(), "github", id);
        refused(issuer.sign(claims().build()), "No Trusted Publishing config found");
        assertEquals(400, assertThrows(RegistryException.class, () -> createConfig(alice(), "widget", "../evil", null)).status());
        for (int i = 0; i < TrustedPublishingService.MAX_CONFIGS_PER_CRATE; i++) {
            createConfig(alice(), "widget", "w" + i + ".yml", null);
        }
        assertEquals(409, assertThrows(RegistryException.class, () -> createConfig(alice(), "widget", "more.yml", null)).status());
    }

    @Test
    void an_administrator_who_does_not_own_the_crate_is_told_to_become_an_owner_first() {
        Unaudited.of(store).createUser("root", "Root", true, now);
        Principal root = new Principal("root", 9, true, null, null, null, false);
        RegistryException e = assertThrows(RegistryException.class, () -> createConfig(root, "widget", "x.yml", null));
        assertEquals(403, e.status());
        assertTrue(e.getMessage().contains("only an owner of `widget`"), e.getMessage());
    }

    @Test
    void a_caller_whose_token_was_revoked_since_the_authorizer_looked_adds_no_configuration() {
        String secret = services.tokenMint().mint("alice", "laptop", null, null, null).secret();
        Principal cached = services.authenticator().resolve(secret, false);
        services.tokens().revoke(alice(), Long.toString(cached.tokenId()));
        assertEquals(403, assertThrows(RegistryException.class, () -> createConfig(cached, "widget", "x.yml", null)).status());
        assertEquals(1, store.trustConfigsOfCrate("widget").size());
    }

    @Test
    void a_configuration_whose_creator_left_the_crate_no_longer_mints() {
        services.owners().add(alice(), "widget", OwnerLogins.of("bob"));
        services.owners().remove(new Principal("bob", 2, false, null, null, null, false), "widget",
                OwnerLogins.of("alice"));
        refused(issuer.sign(claims().build()), "no longer owns");
    }

    @Test
    void a_gitlab_job_is_matched_on_project_namespace_id_ci_file_and_environment() {
        String body = "{\"gitlab_config\":{\"crate\":\"gadget\",\"namespace\":\"acme/tools\",\"project\":\"gadget\","
                + "\"workflow_filepath\":\".gitlab-ci.yml\",\"environment\":\"release\"}}";
        trust.create(alice(), "gitlab", body.getBytes(StandardCharsets.UTF_8));
        JWTClaimsSet.Builder job = gitlab.gitlab(AUDIENCE, "acme/tools/gadget", "55", ".gitlab-ci.yml", now).claim("environment", "release");
        refused(gitlab.sign(gitlab.gitlab(AUDIENCE, "acme/tools/gadget", "55", "ci/other.yml", now).claim("environment", "release").build()),
                "workflow filepath `ci/other.yml`");
        refused(gitlab.sign(gitlab.gitlab(AUDIENCE, "acme/tools/gadget", "55", ".gitlab-ci.yml", now).build()), "requires an environment");
        refused(gitlab.sign(gitlab.gitlab(AUDIENCE, "acme/tools/other", "55", ".gitlab-ci.yml", now).build()), "No Trusted Publishing config");
        String secret = exchange(gitlab.sign(job.build()));
        Principal p = services.authenticator().resolve(secret, false);
        assertEquals(List.of("gadget"), p.crateScopes());
        publish(p, "gadget", "1.2.0");
        assertEquals(Map.of("provider", "gitlab", "repository", "acme/tools/gadget", "workflow", ".gitlab-ci.yml", "run_id", "8888",
                "sha", "fedcba9876543210fedcba9876543210fedcba98"), services.crates().version("gadget", "1.2.0").version().trustpubData());
        // the namespace id was pinned: another namespace under the same path no longer matches
        refused(gitlab.sign(gitlab.gitlab(AUDIENCE, "acme/tools/gadget", "66", ".gitlab-ci.yml", now).claim("environment", "release").build()),
                "namespace ID (66)");
        // a GitLab token is not accepted as GitHub's: the issuer decides the provider
        refused(issuer.sign(issuer.github(AUDIENCE, "acme/tools/gadget", "55", ".gitlab-ci.yml", now).build()), "No Trusted Publishing config");
    }
}
