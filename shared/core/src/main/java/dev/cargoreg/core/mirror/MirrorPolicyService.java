package dev.cargoreg.core.mirror;

import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.audit.AuditRecord.Action;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.mirror.wire.MirrorPolicyRequests.RuleRequest;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.MirrorPolicyEntry;
import dev.cargoreg.core.publish.VersionReq;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The administrators' side of the mirror's policy: deny/allow rules, reserved name patterns and names allowed for
 * private publishing, each change written with its audit record in one transaction. Because CloudFront serves cached
 * {@code .crate} files straight from S3 (no compute to check a rule), a change then moves every cached crate the new
 * policy refuses to {@code mirror/quarantine/crates/…} (a key no behaviour serves) and invalidates it at the CDN, and
 * moves back what it no longer refuses (so nothing verified is lost when a rule is lifted, even if upstream deleted it).
 */
public final class MirrorPolicyService {
    private static final Logger LOG = Logger.getLogger(MirrorPolicyService.class.getName());
    public static final String QUARANTINE_PREFIX = "mirror/quarantine/crates/";
    private static final Pattern RULE_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final int MAX_REASON = 500;

    private final MetadataStore store;
    private final BlobStore blobs;
    private final CdnInvalidator cdn;
    private final MirrorPolicySource source;
    private final Clock clock;

    public MirrorPolicyService(MetadataStore store, BlobStore blobs, CdnInvalidator cdn, MirrorPolicySource source, Clock clock) {
        this.store = store;
        this.blobs = blobs;
        this.cdn = cdn;
        this.source = source;
        this.clock = clock;
    }

    public record RuleList(List<MirrorRule> rules) {
    }

    public record ReservedList(List<MirrorPolicy.Named> reserved) {
    }

    public record AllowedList(List<MirrorPolicy.Named> allowed) {
    }

    /** What a change did: the entry, and how many cached crates it moved out of (or back into) service. */
    public record Change(Object entry, int quarantined, int restored) {
    }

    /** GET /api/v1/admin/mirror/rules. */
    public RuleList rules(Principal principal) {
        principal.requireAdmin();
        source.invalidate();
        return new RuleList(source.current().rules());
    }

    /** PUT /api/v1/admin/mirror/rules/{id}: creates or replaces the rule. */
    public Change putRule(Principal principal, String id, RuleRequest req) {
        principal.requireAdmin();
        if (id == null || !RULE_ID.matcher(id).matches()) {
            throw RegistryException.badRequest("`" + id + "` is not a rule id: lowercase letters, digits, `-` and `_`, at most 64");
        }
        if (!MirrorRule.DENY.equals(req.effect()) && !MirrorRule.ALLOW.equals(req.effect())) {
            throw RegistryException.badRequest("`effect` must be \"deny\" or \"allow\", got " + (req.effect() == null ? "nothing" : "`" + req.effect() + "`"));
        }
        NamePattern crate = pattern(req.crate(), "crate");
        String versions = req.versions() == null || req.versions().isBlank() ? null : req.versions().trim();
        if (versions != null) {
            try {
                if (VersionReq.parse(versions).isStar()) {
                    versions = null;
                }
            } catch (IllegalArgumentException e) {
                throw RegistryException.badRequest("`versions` is not a cargo version requirement (`" + versions + "`): " + e.getMessage());
            }
        }
        String reason = reason(req.reason(), true);
        Instant now = clock.instant();
        MirrorRule rule = new MirrorRule(id, req.effect(), crate.text(), versions, reason, principal.login(), now.toString());
        store.putMirrorPolicy(new MirrorPolicyEntry(MirrorPolicyEntry.RULE, id, rule.effect(), rule.crate(), versions, reason,
                principal.login(), now), AuditRecord.of(Action.MIRROR_POLICY_SET, principal, null, null,
                "rule " + id + ": " + rule.describe() + " (" + reason + ")", now));
        return reconciled(rule);
    }

    /** DELETE /api/v1/admin/mirror/rules/{id}. */
    public Change deleteRule(Principal principal, String id) {
        principal.requireAdmin();
        Instant now = clock.instant();
        if (id == null || !store.deleteMirrorPolicy(MirrorPolicyEntry.RULE, id,
                AuditRecord.of(Action.MIRROR_POLICY_REMOVED, principal, null, null, "rule " + id, now))) {
            throw RegistryException.notFound("there is no mirror rule `" + id + "`");
        }
        return reconciled(Map.of("id", id, "deleted", true));
    }

    /** GET /api/v1/admin/mirror/reserved. */
    public ReservedList reserved(Principal principal) {
        principal.requireAdmin();
        source.invalidate();
        return new ReservedList(source.current().reserved());
    }

    /** GET /api/v1/admin/mirror/allowed. */
    public AllowedList allowed(Principal principal) {
        principal.requireAdmin();
        source.invalidate();
        return new AllowedList(source.current().allowed());
    }

    /** PUT /api/v1/admin/mirror/reserved/{pattern}: the mirror never serves matching names from upstream. */
    public Change putReserved(Principal principal, String pattern, String reason) {
        return putName(principal, MirrorPolicyEntry.RESERVED, pattern, reason);
    }

    /** PUT /api/v1/admin/mirror/allowed/{name}: the name may be published privately although upstream has it. */
    public Change putAllowed(Principal principal, String name, String reason) {
        return putName(principal, MirrorPolicyEntry.ALLOWED, name, reason);
    }

    public Change deleteReserved(Principal principal, String pattern) {
        return deleteName(principal, MirrorPolicyEntry.RESERVED, pattern);
    }

    public Change deleteAllowed(Principal principal, String name) {
        return deleteName(principal, MirrorPolicyEntry.ALLOWED, name);
    }

    private Change putName(Principal principal, String kind, String written, String reasonWritten) {
        principal.requireAdmin();
        NamePattern p = pattern(written, kind.equals(MirrorPolicyEntry.RESERVED) ? "pattern" : "name");
        if (kind.equals(MirrorPolicyEntry.ALLOWED) && p.isGlob()) {
            throw RegistryException.badRequest("an allowed name is one crate name, not a pattern (`" + written + "`)");
        }
        String reason = reason(reasonWritten, false);
        Instant now = clock.instant();
        store.putMirrorPolicy(new MirrorPolicyEntry(kind, p.text(), null, null, null, reason, principal.login(), now),
                AuditRecord.of(Action.MIRROR_POLICY_SET, principal, null, null, kind + " " + p.text()
                        + (reason == null ? "" : " (" + reason + ")"), now));
        return reconciled(new MirrorPolicy.Named(p.text(), reason, "admin"));
    }

    private Change deleteName(Principal principal, String kind, String written) {
        principal.requireAdmin();
        NamePattern p = pattern(written, kind.equals(MirrorPolicyEntry.RESERVED) ? "pattern" : "name");
        Instant now = clock.instant();
        if (!store.deleteMirrorPolicy(kind, p.text(), AuditRecord.of(Action.MIRROR_POLICY_REMOVED, principal, null, null,
                kind + " " + p.text(), now))) {
            throw RegistryException.notFound("there is no " + kind + " entry `" + p.text() + "` stored by an administrator"
                    + " (entries from the configuration, REGISTRY_MIRROR_RESERVED/REGISTRY_MIRROR_ALLOW_PRIVATE, are changed there)");
        }
        return reconciled(Map.of(kind.equals(MirrorPolicyEntry.RESERVED) ? "pattern" : "name", p.text(), "deleted", true));
    }

    private static NamePattern pattern(String written, String what) {
        try {
            return NamePattern.parse(written);
        } catch (IllegalArgumentException e) {
            throw RegistryException.badRequest("invalid " + what + ": " + e.getMessage());
        }
    }

    private static String reason(String reason, boolean required) {
        if (reason == null || reason.isBlank()) {
            if (required) {
                throw RegistryException.badRequest("a rule needs a `reason`: cargo shows it to whoever is refused");
            }
            return null;
        }
        String r = reason.strip();
        if (r.length() > MAX_REASON || r.chars().anyMatch(Character::isISOControl)) {
            throw RegistryException.badRequest("`reason` must be one line of at most " + MAX_REASON + " characters");
        }
        return r;
    }

    private Change reconciled(Object entry) {
        source.invalidate();
        int[] moved = reconcile(source.current());
        return new Change(entry, moved[0], moved[1]);
    }

    /**
     * Moves every cached crate {@code policy} refuses into quarantine and every quarantined one it serves again back,
     * then invalidates the moved paths and their index files at the CDN. Lists the whole cache: an administrator's
     * change is rare, and a reserved pattern or an allow rule can match any name.
     */
    int[] reconcile(MirrorPolicy policy) {
        Set<String> paths = new LinkedHashSet<>();
        int quarantined = 0;
        int restored = 0;
        for (String key : blobs.keys(MirrorService.CRATES_PREFIX)) {
            String[] nv = nameAndVersion(key.substring(MirrorService.CRATES_PREFIX.length()));
            if (nv != null && refused(policy, nv[0], nv[1])) {
                if (move(key, QUARANTINE_PREFIX + key.substring(MirrorService.CRATES_PREFIX.length()))) {
                    quarantined++;
                    paths.add("/" + key);
                    paths.add("/" + MirrorService.INDEX_PREFIX + IndexPaths.pathOf(nv[0].toLowerCase(Locale.ROOT)));
                }
            }
        }
        for (String key : blobs.keys(QUARANTINE_PREFIX)) {
            String rest = key.substring(QUARANTINE_PREFIX.length());
            String[] nv = nameAndVersion(rest);
            if (nv != null && !refused(policy, nv[0], nv[1]) && store.findCrate(CrateName.canonical(nv[0])).isEmpty()) {
                if (move(key, MirrorService.CRATES_PREFIX + rest)) {
                    restored++;
                    paths.add("/" + MirrorService.INDEX_PREFIX + IndexPaths.pathOf(nv[0].toLowerCase(Locale.ROOT)));
                }
            }
        }
        if (!paths.isEmpty()) {
            cdn.invalidate(new ArrayList<>(paths));
        }
        if (quarantined + restored > 0) {
            int q = quarantined;
            int r = restored;
            LOG.info(() -> "mirror policy: " + q + " cached crates quarantined, " + r + " restored");
        }
        return new int[] {quarantined, restored};
    }

    private static boolean refused(MirrorPolicy policy, String name, String version) {
        return policy.nameRefusal(name) != null || policy.versionRefusal(name, version) != null;
    }

    /** {@code {name}/{name}-{version}.crate} → name and version; null for any other key. */
    static String[] nameAndVersion(String path) {
        int slash = path.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        String name = path.substring(0, slash);
        String file = path.substring(slash + 1);
        if (!file.startsWith(name + "-") || !file.endsWith(".crate")) {
            return null;
        }
        return new String[] {name, file.substring(name.length() + 1, file.length() - ".crate".length())};
    }

    private boolean move(String from, String to) {
        Optional<BlobStore.Blob> b = blobs.get(from);
        if (b.isEmpty()) {
            return false;
        }
        BlobStore.BlobInfo i = b.get().info();
        blobs.put(to, b.get().body(), new BlobStore.Attributes(i.contentType(), i.cacheControl(), i.metadata()));
        blobs.delete(from);
        return true;
    }
}
