package dev.cargoreg.core.trustpub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.audit.AuditRecord.Action;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.crate.Provenance;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.JsonBodies;
import dev.cargoreg.core.port.CrateLookup;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.CrateRecord;
import dev.cargoreg.core.port.MetadataStore.TrustConfig;
import dev.cargoreg.core.tokens.Authenticator;
import dev.cargoreg.core.tokens.LiveCaller;
import dev.cargoreg.core.tokens.TokenMint;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Trusted publishing as crates.io does it: a crate's owners trust a CI workflow (GitHub Actions or GitLab CI); that
 * workflow's OIDC token is exchanged for a 30-minute token that can publish new versions of the matched crates (and
 * read, on a private registry) and nothing else. The version it publishes records where it came from.
 *
 * <p>The minted token belongs to the owner who created the matched configuration (the registry's ownership checks
 * apply to it as to any token): if that user no longer owns the crate, or is disabled, the configuration no longer
 * matches.
 */
public final class TrustedPublishingService {
    public static final String GITHUB = "github";
    public static final String GITLAB = "gitlab";
    static final Duration TOKEN_LIFETIME = Duration.ofMinutes(30);
    static final int MAX_CONFIGS_PER_CRATE = 5;
    static final String TOKEN_NAME_PREFIX = Authenticator.TRUSTED_PUBLISHING_NAME_PREFIX;
    private static final Logger LOG = Logger.getLogger(TrustedPublishingService.class.getName());
    private static final Pattern OWNER = Pattern.compile("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$");
    private static final Pattern REPO = Pattern.compile("^[A-Za-z0-9._-]{1,100}$");
    private static final Pattern WORKFLOW_FILE = Pattern.compile("^[A-Za-z0-9._-]{1,200}\\.ya?ml$");
    private static final Pattern GITLAB_PATH = Pattern.compile("^[A-Za-z0-9._/-]{1,255}$");
    private static final Pattern ENVIRONMENT = Pattern.compile("^[^\\x00-\\x1f]{1,255}$");

    private final MetadataStore store;
    private final TokenMint mint;
    private final OidcVerifier verifier;
    private final CrateLookup access;
    private final Clock clock;

    public TrustedPublishingService(MetadataStore store, TokenMint mint, OidcVerifier verifier, Clock clock) {
        this.store = store;
        this.mint = mint;
        this.verifier = verifier;
        this.access = new CrateLookup(store);
        this.clock = clock;
    }

    /** POST /api/v1/trusted_publishing/tokens: {"token": …}. */
    public record Exchanged(String token) {
    }

    // ---- the exchange ------------------------------------------------------------------------------------------------

    public Exchanged exchange(byte[] body) {
        JsonNode json = JsonBodies.read(body, "invalid JSON body: expected {\"jwt\":\"…\"}");
        if (json == null || !json.path("jwt").isTextual()) {
            throw RegistryException.badRequest("invalid JSON body: expected {\"jwt\":\"…\"}");
        }
        OidcVerifier.Verified v = verifier.verify(json.get("jwt").asText());
        Matched matched = GITHUB.equals(v.provider()) ? matchGitHub(v) : matchGitLab(v);
        // the acting user: the creator of the first configuration that still owns its crate and is enabled
        List<TrustConfig> usable = new ArrayList<>();
        String login = null;
        for (TrustConfig c : matched.configs()) {
            Optional<CrateRecord> crate = store.findCrate(c.canonicalName());
            boolean creatorOwns = crate.isPresent() && crate.get().owners().contains(c.createdBy())
                    && store.findUser(c.createdBy()).filter(u -> !u.disabled()).isPresent();
            if (creatorOwns && (login == null || login.equals(c.createdBy()))) {
                login = c.createdBy();
                usable.add(c);
            }
        }
        if (usable.isEmpty()) {
            throw RegistryException.badRequest("The Trusted Publishing configuration for `" + matched.provenance().repository()
                    + "` was created by a user who no longer owns the crate or is disabled; an owner must create it again");
        }
        Instant expires = v.claims().getExpirationTime().toInstant().plus(OidcVerifier.LEEWAY);
        if (!store.claimJti(v.issuer(), v.claim("jti"), expires)) {
            LOG.warning(() -> "replayed JWT from " + v.issuer() + " (jti " + v.claim("jti") + ")");
            throw RegistryException.badRequest("JWT has already been used");
        }
        for (TrustConfig c : usable) {
            if (c.ownerId() == null && matched.ownerId() != null) {
                // pinned at first use: a later owner of the same name (renamed or re-created account) no longer matches
                store.pinTrustConfigOwnerId(c.id(), matched.ownerId());
            }
        }
        List<String> crates = usable.stream().map(TrustConfig::crateName).distinct().toList();
        Provenance p = matched.provenance();
        Instant tokenExpires = clock.instant().plus(TOKEN_LIFETIME);
        TokenMint.Minted token = mint.mintTrusted(login, TOKEN_NAME_PREFIX + p.provider() + " " + p.repository()
                + (p.runId() == null ? "" : " run " + p.runId()), EnumSet.of(Scope.PUBLISH_UPDATE), crates, tokenExpires, p);
        store.putTokenProvenance(token.record().id(), p, tokenExpires);
        String acting = login;
        LOG.info(() -> "trusted publishing token " + token.record().id() + " for " + crates + " (as `" + acting + "`) from "
                + p.provider() + " " + p.repository() + " " + p.workflow() + " run " + p.runId());
        return new Exchanged(token.secret());
    }

    /** DELETE /api/v1/trusted_publishing/tokens: a trusted-publishing token revokes itself. */
    public void revoke(Principal principal) {
        String login = principal.requireLogin();
        if (store.tokenProvenance(principal.tokenId()).isEmpty()) {
            throw RegistryException.badRequest("this is not a trusted publishing token;"
                    + " revoke other tokens with DELETE /api/v1/tokens/current");
        }
        Instant now = clock.instant();
        store.revokeToken(login, principal.tokenId(), now, AuditRecord.of(Action.TOKEN_REVOKED, principal, null, null,
                "token id " + principal.tokenId() + " of " + login + " (by itself, trusted publishing)", now));
    }

    private record Matched(List<TrustConfig> configs, Provenance provenance, String ownerId) {
    }

    private Matched matchGitHub(OidcVerifier.Verified v) {
        String event = v.claim("event_name");
        if ("pull_request_target".equals(event) || "workflow_run".equals(event)) {
            throw RegistryException.badRequest("Trusted Publishing does not support the `" + event + "` event trigger due to"
                    + " security concerns. Please use a different trigger such as `push`, `release`, or `workflow_dispatch`.");
        }
        String repo = require(v, "repository");
        String ownerId = require(v, "repository_owner_id");
        String workflowRef = require(v, "workflow_ref");
        int at = workflowRef.indexOf('@');
        String path = at < 0 ? workflowRef : workflowRef.substring(0, at);
        String workflow = path.substring(path.lastIndexOf('/') + 1);
        List<TrustConfig> configs = store.trustConfigsOfRepository(GITHUB, repo.toLowerCase(Locale.ROOT));
        if (configs.isEmpty()) {
            throw RegistryException.badRequest("No Trusted Publishing config found for repository `" + repo + "`.");
        }
        configs = narrow(configs, c -> c.ownerId() == null || c.ownerId().equals(ownerId), "The Trusted Publishing config for"
                + " repository `" + repo + "` does not match the repository owner ID (" + ownerId + ") in the JWT."
                + " Please recreate the Trusted Publishing config to update the repository owner ID.");
        configs = narrow(configs, c -> c.workflow().equals(workflow), "The Trusted Publishing config for repository `" + repo
                + "` does not match the workflow filename `" + workflow + "` in the JWT. Expected workflow filenames: "
                + names(configs, TrustConfig::workflow));
        configs = narrowEnvironment(configs, v.claim("environment"), repo);
        return new Matched(configs, new Provenance(GITHUB, repo, workflow, v.claim("run_id"), v.claim("sha")), ownerId);
    }

    private Matched matchGitLab(OidcVerifier.Verified v) {
        String project = require(v, "project_path");
        String namespaceId = require(v, "namespace_id");
        String configRef = require(v, "ci_config_ref_uri");
        // gitlab.com/<namespace>/<project>//<path to the CI file>@<ref>
        int slashes = configRef.indexOf("//");
        int at = configRef.lastIndexOf('@');
        String filepath = slashes < 0 || at < slashes ? "" : configRef.substring(slashes + 2, at);
        List<TrustConfig> configs = store.trustConfigsOfRepository(GITLAB, project.toLowerCase(Locale.ROOT));
        if (configs.isEmpty()) {
            throw RegistryException.badRequest("No Trusted Publishing config found for project `" + project + "`.");
        }
        configs = narrow(configs, c -> c.ownerId() == null || c.ownerId().equals(namespaceId), "The Trusted Publishing config"
                + " for project `" + project + "` does not match the namespace ID (" + namespaceId + ") in the JWT."
                + " Please recreate the Trusted Publishing config to update the namespace ID.");
        configs = narrow(configs, c -> c.workflow().equals(filepath), "The Trusted Publishing config for project `" + project
                + "` does not match the workflow filepath `" + filepath + "` in the JWT. Expected workflow filepaths: "
                + names(configs, TrustConfig::workflow));
        configs = narrowEnvironment(configs, v.claim("environment"), project);
        String run = v.claim("job_id") != null ? v.claim("job_id") : v.claim("pipeline_id");
        return new Matched(configs, new Provenance(GITLAB, project, filepath, run, v.claim("sha")), namespaceId);
    }

    private static List<TrustConfig> narrowEnvironment(List<TrustConfig> configs, String environment, String repo) {
        String expected = names(configs, TrustConfig::environment);
        return narrow(configs, c -> c.environment() == null
                        || (environment != null && c.environment().equalsIgnoreCase(environment)),
                environment == null
                        ? "The Trusted Publishing config for `" + repo + "` requires an environment, but the JWT does not"
                        + " specify one. Expected environments: " + expected
                        : "The Trusted Publishing config for `" + repo + "` does not match the environment `" + environment
                        + "` in the JWT. Expected environments: " + expected);
    }

    private static List<TrustConfig> narrow(List<TrustConfig> configs, Predicate<TrustConfig> keep, String refusal) {
        List<TrustConfig> kept = configs.stream().filter(keep).toList();
        if (kept.isEmpty()) {
            throw RegistryException.badRequest(refusal);
        }
        return kept;
    }

    private static String names(List<TrustConfig> configs, Function<TrustConfig, String> f) {
        return String.join(", ", configs.stream().map(f).filter(x -> x != null).map(x -> "`" + x + "`").distinct().toList());
    }

    private static String require(OidcVerifier.Verified v, String claim) {
        String value = v.claim(claim);
        if (value == null || value.isBlank()) {
            throw RegistryException.badRequest("Failed to decode JWT: the `" + claim + "` claim is missing");
        }
        return value;
    }

    // ---- configurations ----------------------------------------------------------------------------------------------

    /** GET …/github_configs?crate=NAME (and gitlab): {"github_configs":[…],"meta":{"total":n,"next_page":null}}. */
    public Map<String, Object> list(Principal principal, String provider, String crateName) {
        if (crateName == null || crateName.isBlank()) {
            throw RegistryException.badRequest("Must specify the `crate` query parameter");
        }
        CrateRecord crate = ownedCrate(principal, crateName);
        List<TrustConfigView> views = store.trustConfigsOfCrate(crate.canonicalName()).stream()
                .filter(c -> c.provider().equals(provider)).sorted(Comparator.comparingLong(TrustConfig::id))
                .map(TrustConfigView::of).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(provider + "_configs", views);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("total", views.size());
        meta.put("next_page", null);
        out.put("meta", meta);
        return out;
    }

    /** POST …/github_configs {"github_config":{…}} (and gitlab): {"github_config":{…}}. */
    public Map<String, Object> create(Principal principal, String provider, byte[] body) {
        String key = provider + "_config";
        String expected = "invalid JSON body: expected {\"" + key + "\":{\"crate\":\"…\", …}}";
        JsonNode json = JsonBodies.read(body, expected);
        JsonNode c = json == null ? null : json.get(key);
        if (c == null || !c.isObject() || !c.path("crate").isTextual()) {
            throw RegistryException.badRequest(expected);
        }
        String owner;
        String repository;
        String workflow;
        String ownerId = null;
        if (GITHUB.equals(provider)) {
            owner = text(c, "repository_owner", OWNER);
            repository = text(c, "repository_name", REPO);
            workflow = text(c, "workflow_filename", WORKFLOW_FILE);
            if (c.hasNonNull("repository_owner_id")) {
                // an extension: crates.io looks the id up with GitHub's API; here it is given, or pinned at first use
                if (!c.get("repository_owner_id").canConvertToLong() || c.get("repository_owner_id").asLong() <= 0) {
                    throw RegistryException.badRequest("`repository_owner_id` must be a positive number");
                }
                ownerId = Long.toString(c.get("repository_owner_id").asLong());
            }
        } else {
            owner = text(c, "namespace", GITLAB_PATH);
            repository = text(c, "project", REPO);
            workflow = text(c, "workflow_filepath", GITLAB_PATH);
            if (!workflow.endsWith(".yml") && !workflow.endsWith(".yaml")) {
                throw RegistryException.badRequest("`workflow_filepath` must end with `.yml` or `.yaml`");
            }
        }
        String environment = null;
        if (c.hasNonNull("environment")) {
            environment = text(c, "environment", ENVIRONMENT);
        }
        CrateRecord crate = ownedCrate(principal, c.get("crate").asText());
        if (!crate.owners().contains(principal.login())) {
            // the exchange mints tokens that act as the configuration's creator, who must own the crate then
            throw RegistryException.forbidden("only an owner of `" + crate.name() + "` can create its trusted publishing"
                    + " configuration: its tokens publish as the user who created it (an administrator can add themself"
                    + " as an owner with `cargo owner --add`)");
        }
        // a token revoked (or a user disabled or deleted) within the authorizer's cached minute adds no configuration
        LiveCaller.require(store, principal, clock.instant());
        long count = store.trustConfigsOfCrate(crate.canonicalName()).stream().filter(x -> x.provider().equals(provider)).count();
        if (count >= MAX_CONFIGS_PER_CRATE) {
            throw RegistryException.conflict("This crate already has the maximum number of " + (GITHUB.equals(provider) ? "GitHub"
                    : "GitLab") + " Trusted Publishing configurations (" + MAX_CONFIGS_PER_CRATE + ")");
        }
        TrustConfig config = new TrustConfig(store.nextId("trustpub"), provider, crate.canonicalName(), crate.name(), owner,
                ownerId, repository, workflow, environment, principal.login(), clock.instant());
        store.createTrustConfig(config, AuditRecord.of(Action.TRUST_CONFIG_CREATED, principal, crate.name(), null,
                describe(config), config.createdAt()));
        return Map.of(key, TrustConfigView.of(config));
    }

    /** DELETE …/github_configs/{id} (and gitlab): 204. */
    public void delete(Principal principal, String provider, String id) {
        long configId;
        try {
            configId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw RegistryException.notFound("no " + provider + " Trusted Publishing config with id `" + id + "`");
        }
        TrustConfig config = store.findTrustConfig(configId).filter(c -> c.provider().equals(provider))
                .orElseThrow(() -> RegistryException.notFound("no " + provider + " Trusted Publishing config with id `" + id + "`"));
        ownedCrate(principal, config.crateName());
        Instant now = clock.instant();
        store.deleteTrustConfig(configId, AuditRecord.of(Action.TRUST_CONFIG_DELETED, principal, config.crateName(), null,
                describe(config), now));
    }

    /** What a configuration trusts, for its audit records. */
    private static String describe(TrustConfig c) {
        return c.provider() + " " + c.owner() + "/" + c.repository() + " workflow " + c.workflow()
                + (c.environment() == null ? "" : " environment " + c.environment()) + " (config id " + c.id() + ")";
    }

    /** Only the crate's owners (or an administrator) manage its configurations, with a token without scopes. */
    private CrateRecord ownedCrate(Principal principal, String crateName) {
        principal.requireUnscoped("manage trusted publishing");
        CrateRecord crate = access.crate(crateName);
        CrateLookup.requireOwnerOrAdmin(crate, principal, "manage its trusted publishing");
        return crate;
    }

    private static String text(JsonNode c, String field, Pattern valid) {
        JsonNode n = c.get(field);
        if (n == null || !n.isTextual() || !valid.matcher(n.asText()).matches()) {
            throw RegistryException.badRequest("invalid `" + field + "`" + (n == null ? ": missing" : ": " + n));
        }
        return n.asText();
    }
}
