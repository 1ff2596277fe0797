package dev.cargoreg.core.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.Digests;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexConfig;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.Upstream;
import dev.cargoreg.core.port.UpstreamNames;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The pull-through mirror of an upstream sparse registry. Index files are stored in S3 exactly as upstream sent them
 * (never parsed and re-serialized, so every field survives) with upstream's ETag and the fetch time; a file older than
 * the TTL is revalidated with a conditional GET. When upstream fails, the cached copy is served (stale-if-error).
 * A .crate is stored only after its SHA-256 equals the {@code cksum} of its index line, and never replaced.
 * Names of the private registry and reserved names are never served from upstream (dependency confusion), and a
 * private publish of a new name that exists upstream is refused ({@link UpstreamNames}).
 */
public final class MirrorService implements UpstreamNames {
    private static final Logger LOG = Logger.getLogger(MirrorService.class.getName());
    public static final String INDEX_PREFIX = "mirror/index/";
    public static final String CRATES_PREFIX = "mirror/crates/";
    public static final String CONFIG_KEY = IndexConfig.MIRROR_CONFIG_KEY;
    /**
     * Negative cache: {@code mirror/absent/<index path>}, an empty object whose {@code fetched-at} is when upstream last
     * answered 404 for the name. In the bucket rather than in memory so every function instance shares it (a build that
     * probes a missing name hits many instances); it costs one HEAD, on misses of uncached names only. Not readable
     * through the CDN (the bucket policy names only mirror/crates/ and mirror/index/config.json).
     */
    public static final String ABSENT_PREFIX = "mirror/absent/";
    static final String META_UPSTREAM_ETAG = "upstream-etag";
    static final String META_FETCHED_AT = "fetched-at";
    static final String CRATE_CACHE = "public, max-age=31536000, immutable";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z.+-]{1,128}");
    private static final Pattern CKSUM = Pattern.compile("[0-9a-f]{64}");
    private static final long MAX_CONFIG_BYTES = 64 * 1024;

    private final RegistryConfig registry;
    private final MirrorConfig mirror;
    private final MetadataStore store;
    private final BlobStore blobs;
    private final Upstream upstream;
    private final Clock clock;
    private final MirrorPolicySource policy;
    /** Upstream's {@code dl} template, read once per instance from its config.json. */
    private volatile String upstreamDl;

    public MirrorService(RegistryConfig registry, MetadataStore store, BlobStore blobs, Upstream upstream, Clock clock) {
        this(registry, store, blobs, upstream, clock, new MirrorPolicySource(store, registry.mirror(), clock));
    }

    /** {@code policy}: the administrators' rules, shared with {@link MirrorPolicyService} so its changes apply at once here. */
    public MirrorService(RegistryConfig registry, MetadataStore store, BlobStore blobs, Upstream upstream, Clock clock,
                         MirrorPolicySource policy) {
        this.policy = policy;
        this.registry = registry;
        this.mirror = registry.mirror();
        this.store = store;
        this.blobs = blobs;
        this.upstream = upstream;
        this.clock = clock;
    }

    public boolean enabled() {
        return mirror.enabled();
    }

    /** The mirror's sparse index URL (for cargo's {@code [source.mirror] registry}). */
    public String indexUrl() {
        return registry.cdnBaseUrl() + "/" + INDEX_PREFIX;
    }

    /** The mirror's config.json: downloads from our CDN, no {@code api} so nothing can be published to it. */
    public byte[] configJson() {
        return IndexConfig.renderMirror(registry);
    }

    /** Writes config.json to the bucket when it differs, so the CDN serves it with no compute. */
    public void ensureConfig() {
        if (!enabled()) {
            return;
        }
        byte[] body = configJson();
        String digest = Digests.sha256Hex(body);
        Optional<BlobStore.BlobInfo> current = blobs.head(CONFIG_KEY);
        if (current.isEmpty() || !digest.equals(current.get().metadata().get("sha256"))) {
            blobs.put(CONFIG_KEY, body, new BlobStore.Attributes("application/json", registry.cache().config(), Map.of("sha256", digest)));
        }
    }

    /** An index path under {@code mirror/index/}: {@code config.json} or a crate's file such as {@code se/rd/serde}. */
    public MirrorAnswer index(String path) {
        if (!enabled()) {
            return MirrorAnswer.error(404, "this registry has no crates.io mirror (it is off unless an upstream is configured)", "off");
        }
        if (path.equals("config.json")) {
            return MirrorAnswer.ok(configJson(), "application/json", registry.cache().config(), "config");
        }
        String name = nameOfIndexPath(path);
        if (name == null) {
            return MirrorAnswer.error(404, "`" + path + "` is not the index path of a crate", "bad-path");
        }
        String refusal = refusal(name);
        if (refusal != null) {
            log("index", "refused", name, 0, 0);
            return MirrorAnswer.error(403, refusal, "refused");
        }
        MirrorAnswer file = indexFile(name, path, false);
        if (file.status() != 200) {
            return file;
        }
        // the one change the mirror makes to upstream's bytes: a version the policy refuses shows as yanked
        byte[] marked = policy.current().markRefusedYanked(name, file.body());
        return marked == file.body() ? file : MirrorAnswer.ok(marked, file.contentType(), file.cacheControl(), file.outcome());
    }

    private MirrorAnswer indexFile(String name, String path, boolean anyAge) {
        String key = INDEX_PREFIX + path;
        Optional<BlobStore.Blob> cached = blobs.get(key);
        Instant now = clock.instant();
        if (cached.isPresent() && (anyAge || mirror.offline() || fresh(cached.get().info(), now))) {
            log("index", "hit", name, cached.get().body().length, 0);
            return indexOk(cached.get().body(), "hit");
        }
        if (mirror.offline()) {
            log("index", "offline-miss", name, 0, 0);
            return MirrorAnswer.error(404, "`" + name + "` is not in the mirror, and the mirror is offline (it serves only what is cached)", "offline-miss");
        }
        if (cached.isEmpty() && recentlyAbsent(path, now)) {
            log("index", "negative-hit", name, 0, 0);
            return MirrorAnswer.error(404, "no crate `" + name + "` upstream (upstream said so less than "
                    + mirror.negativeTtl().toSeconds() + " s ago)", "negative-hit");
        }
        String cachedEtag = cached.map(b -> b.info().metadata().get(META_UPSTREAM_ETAG)).orElse(null);
        long start = System.nanoTime();
        Upstream.Response r;
        try {
            r = upstream.get(mirror.upstream() + path, cachedEtag, mirror.maxIndexBytes(), mirror.indexTimeout());
        } catch (Upstream.UpstreamFailure e) {
            return staleOr(cached, name, e.getMessage(), start);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (r.status() == 304 && cached.isPresent()) {
            byte[] body = cached.get().body();
            // only the fetch time changes; the body stays upstream's bytes
            blobs.putIfMatch(key, body, attributes(r.etag() != null ? r.etag() : cachedEtag, now), cached.get().info().etag());
            log("index", "revalidated", name, body.length, ms);
            return indexOk(body, "revalidated");
        }
        if (r.status() == 200) {
            String problem = IndexFileCheck.problem(r.body(), name);
            if (problem != null) {
                return staleOr(cached, name, "upstream sent an index file that is not valid (" + problem + ")", start);
            }
            blobs.putIfMatch(key, r.body(), attributes(r.etag(), now), cached.map(b -> b.info().etag()).orElse(null));
            log("index", cached.isPresent() ? "updated" : "miss", name, r.body().length, ms);
            return indexOk(r.body(), cached.isPresent() ? "updated" : "miss");
        }
        if (r.status() == 404 || r.status() == 410 || r.status() == 451) {
            if (cached.isPresent()) {
                // upstream deleted the crate: what is cached stays usable (lockfiles keep building), as documented
                LOG.warning(() -> "mirror index upstream-gone " + name + ": upstream answered " + r.status() + "; serving the cached copy");
                return indexOk(cached.get().body(), "upstream-gone");
            }
            log("index", "not-found", name, 0, ms);
            rememberAbsent(path, now);
            return MirrorAnswer.error(404, "no crate `" + name + "` upstream", "not-found");
        }
        return staleOr(cached, name, "upstream answered HTTP " + r.status(), start);
    }

    /** A tarball path under {@code mirror/crates/}: {@code {name}/{name}-{version}.crate}. */
    public MirrorAnswer crate(String path) {
        if (!enabled()) {
            return MirrorAnswer.error(404, "this registry has no crates.io mirror", "off");
        }
        int slash = path.indexOf('/');
        String name = slash > 0 ? path.substring(0, slash) : null;
        String file = slash > 0 ? path.substring(slash + 1) : null;
        if (name == null || !NAME.matcher(name).matches() || !file.startsWith(name + "-") || !file.endsWith(".crate")) {
            return MirrorAnswer.error(404, "`" + path + "` is not the path of a crate file", "bad-path");
        }
        String version = file.substring(name.length() + 1, file.length() - ".crate".length());
        if (!VERSION.matcher(version).matches()) {
            return MirrorAnswer.error(404, "`" + path + "` is not the path of a crate file", "bad-path");
        }
        String refusal = refusal(name);
        if (refusal == null) {
            refusal = policy.current().versionRefusal(name, version);
        }
        if (refusal != null) {
            log("crate", "refused", name, 0, 0);
            return MirrorAnswer.error(403, refusal, "refused");
        }
        String key = CRATES_PREFIX + path;
        Optional<BlobStore.Blob> cached = blobs.get(key);
        if (cached.isPresent()) {
            log("crate", "hit", name, cached.get().body().length, 0);
            if (cached.get().body().length > mirror.maxInlineBytes()) {
                return MirrorAnswer.redirect("/" + key, "hit");
            }
            return MirrorAnswer.ok(cached.get().body(), "application/gzip", CRATE_CACHE, "hit");
        }
        if (mirror.offline()) {
            return MirrorAnswer.error(404, "`" + name + "@" + version + "` is not in the mirror, and the mirror is offline", "offline-miss");
        }
        // a miss is about to store bytes S3 will serve with no compute: decide on the policy as stored now, not cached
        policy.invalidate();
        String denied = policy.current().versionRefusal(name, version);
        if (denied != null) {
            log("crate", "refused", name, 0, 0);
            return MirrorAnswer.error(403, denied, "refused");
        }
        JsonNode line = findLine(name, version);
        if (line == null) {
            return lineMissing(name, version);
        }
        String cksum = line.path("cksum").asText();
        long start = System.nanoTime();
        Upstream.Response r;
        String url;
        try {
            url = dlUrl(upstreamDl(), name, version, cksum);
            r = upstream.get(url, null, mirror.maxCrateBytes(), mirror.crateTimeout());
        } catch (Upstream.UpstreamFailure e) {
            log("crate", "upstream-error", name, 0, (System.nanoTime() - start) / 1_000_000);
            return MirrorAnswer.error(502, "`" + name + "@" + version + "` is not cached and the mirror's upstream failed: "
                    + e.getMessage(), "upstream-error");
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (r.status() != 200) {
            log("crate", "upstream-error", name, 0, ms);
            return MirrorAnswer.error(502, "`" + name + "@" + version + "` is not cached and the mirror's upstream answered HTTP "
                    + r.status() + " for " + url, "upstream-error");
        }
        String sha = Digests.sha256Hex(r.body());
        if (!sha.equals(cksum)) {
            LOG.warning(() -> "mirror crate checksum-mismatch " + name + "@" + version + ": upstream sent sha256 " + sha
                    + ", its index line says " + cksum);
            return MirrorAnswer.error(502, "the mirror's upstream sent `" + name + "@" + version + "` with SHA-256 " + sha
                    + " but its index says " + cksum + "; nothing was stored", "checksum-mismatch");
        }
        // never replaced: a concurrent miss stored the same verified bytes
        blobs.putIfAbsent(key, r.body(), new BlobStore.Attributes("application/gzip", CRATE_CACHE, Map.of("sha256", sha)));
        log("crate", "miss", name, r.body().length, ms);
        if (r.body().length > mirror.maxInlineBytes()) {
            // too large for the function's response: the CDN serves the stored copy from S3 at the same path
            return MirrorAnswer.redirect("/" + key, "miss");
        }
        return MirrorAnswer.ok(r.body(), "application/gzip", CRATE_CACHE, "miss");
    }

    /**
     * For a {@code .crate} already in the bucket: the refusal the function would answer (a private or reserved name,
     * the policy), or null to serve it. The local CDN emulator asks this before serving from the bucket; in AWS the
     * policy's changes move such objects out of the served prefix instead ({@link MirrorPolicyService}).
     */
    public MirrorAnswer cachedCrateRefusal(String path) {
        String[] nv = MirrorPolicyService.nameAndVersion(path);
        if (nv == null) {
            return null;
        }
        String refusal = refusal(nv[0]);
        if (refusal == null) {
            refusal = policy.current().versionRefusal(nv[0], nv[1]);
        }
        if (refusal == null) {
            return null;
        }
        log("crate", "refused", nv[0], 0, 0);
        return MirrorAnswer.error(403, refusal, "refused");
    }

    private MirrorAnswer lineMissing(String name, String version) {
        // the index lookup's own refusal (upstream down with nothing cached…) says more than "not found"
        MirrorAnswer idx = indexFile(name, IndexPaths.pathOf(name), true);
        if (idx.status() != 200) {
            return idx;
        }
        return MirrorAnswer.error(404, "`" + name + "@" + version + "` is not in the upstream index", "not-found");
    }

    /** The index line of {@code name@version}: from the cached file first (lines of a version never change), else refreshed. */
    private JsonNode findLine(String name, String version) {
        String path = IndexPaths.pathOf(name);
        MirrorAnswer any = indexFile(name, path, true);
        JsonNode line = any.status() == 200 ? lineOf(any.body(), version) : null;
        if (line == null && any.status() == 200 && !"miss".equals(any.outcome()) && !mirror.offline()) {
            MirrorAnswer refreshed = indexFile(name, path, false);
            line = refreshed.status() == 200 ? lineOf(refreshed.body(), version) : null;
        }
        return line;
    }

    private static JsonNode lineOf(byte[] file, String version) {
        for (String l : new String(file, StandardCharsets.UTF_8).split("\n")) {
            if (l.isBlank()) {
                continue;
            }
            try {
                JsonNode n = Json.readTree(l);
                if (version.equals(n.path("vers").asText()) && CKSUM.matcher(n.path("cksum").asText()).matches()) {
                    return n;
                }
            } catch (IOException e) {
                // validated when stored; a line that no longer parses names no version
            }
        }
        return null;
    }

    private String upstreamDl() {
        String dl = upstreamDl;
        if (dl != null) {
            return dl;
        }
        Upstream.Response r = upstream.get(mirror.upstream() + "config.json", null, MAX_CONFIG_BYTES, mirror.indexTimeout());
        if (r.status() != 200) {
            throw new Upstream.UpstreamFailure("the upstream's config.json answered HTTP " + r.status(), null);
        }
        try {
            dl = Json.readTree(r.body()).path("dl").asText("");
        } catch (IOException e) {
            throw new Upstream.UpstreamFailure("the upstream's config.json is not JSON", e);
        }
        if (!dl.startsWith("http://") && !dl.startsWith("https://")) {
            throw new Upstream.UpstreamFailure("the upstream's config.json has no usable dl", null);
        }
        upstreamDl = dl;
        return dl;
    }

    /** cargo's rule: the markers are replaced; a template without any gets {@code /{crate}/{version}/download}. */
    static String dlUrl(String template, String name, String version, String cksum) {
        List<String> markers = List.of("{crate}", "{version}", "{prefix}", "{lowerprefix}", "{sha256-checksum}");
        if (markers.stream().noneMatch(template::contains)) {
            return template + "/" + name + "/" + version + "/download";
        }
        String prefix = switch (name.length()) {
            case 1 -> "1";
            case 2 -> "2";
            case 3 -> "3/" + name.charAt(0);
            default -> name.substring(0, 2) + "/" + name.substring(2, 4);
        };
        return template.replace("{crate}", name).replace("{version}", version).replace("{prefix}", prefix)
                .replace("{lowerprefix}", prefix.toLowerCase(Locale.ROOT)).replace("{sha256-checksum}", cksum);
    }

    private MirrorAnswer staleOr(Optional<BlobStore.Blob> cached, String name, String reason, long start) {
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (cached.isPresent()) {
            LOG.warning(() -> "mirror index stale " + name + " upstreamMs=" + ms + ": " + reason + "; serving the cached copy");
            return indexOk(cached.get().body(), "stale");
        }
        LOG.warning(() -> "mirror index upstream-error " + name + " upstreamMs=" + ms + ": " + reason);
        return MirrorAnswer.error(502, "`" + name + "` is not cached yet and the mirror's upstream (" + mirror.upstream()
                + ") failed: " + reason, "upstream-error");
    }

    private MirrorAnswer indexOk(byte[] body, String outcome) {
        return MirrorAnswer.ok(body, "text/plain; charset=utf-8",
                "public, max-age=" + mirror.ttl().toSeconds() + ", stale-if-error=86400", outcome);
    }

    private boolean fresh(BlobStore.BlobInfo info, Instant now) {
        String at = info.metadata().get(META_FETCHED_AT);
        if (at == null) {
            return false;
        }
        try {
            return Duration.between(Instant.ofEpochMilli(Long.parseLong(at)), now).compareTo(mirror.ttl()) < 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private boolean recentlyAbsent(String path, Instant now) {
        if (mirror.negativeTtl().isZero() || mirror.negativeTtl().isNegative()) {
            return false;
        }
        Optional<BlobStore.BlobInfo> marker = blobs.head(ABSENT_PREFIX + path);
        String at = marker.map(m -> m.metadata().get(META_FETCHED_AT)).orElse(null);
        try {
            return at != null && Duration.between(Instant.ofEpochMilli(Long.parseLong(at)), now).compareTo(mirror.negativeTtl()) < 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Best effort: a failed write only costs the next miss an upstream request. */
    private void rememberAbsent(String path, Instant now) {
        if (mirror.negativeTtl().isZero() || mirror.negativeTtl().isNegative()) {
            return;
        }
        try {
            blobs.put(ABSENT_PREFIX + path, new byte[0], new BlobStore.Attributes("text/plain; charset=utf-8", "no-store",
                    Map.of(META_FETCHED_AT, Long.toString(now.toEpochMilli()))));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not remember that upstream has no " + path, e);
        }
    }

    private BlobStore.Attributes attributes(String upstreamEtag, Instant fetchedAt) {
        Map<String, String> meta = new HashMap<>();
        meta.put(META_FETCHED_AT, Long.toString(fetchedAt.toEpochMilli()));
        if (upstreamEtag != null && upstreamEtag.length() <= 256 && upstreamEtag.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            meta.put(META_UPSTREAM_ETAG, upstreamEtag);
        }
        return new BlobStore.Attributes("text/plain; charset=utf-8", "no-cache", meta);
    }

    /** Why the mirror must not serve {@code name} from upstream, or null. */
    private String refusal(String name) {
        String byPolicy = policy.current().nameRefusal(name);
        if (byPolicy != null) {
            return byPolicy;
        }
        if (store.findCrate(CrateName.canonical(name)).isPresent()) {
            return "`" + name + "` is a crate of this private registry: the mirror never serves an upstream crate of the same name"
                    + " (dependency-confusion protection); depend on the private crate with `registry = \"…\"` instead";
        }
        return null;
    }

    /** The crate name of a sparse index path, when the path is where cargo looks for that name; null otherwise. */
    static String nameOfIndexPath(String path) {
        int slash = path.lastIndexOf('/');
        String name = path.substring(slash + 1);
        if (!NAME.matcher(name).matches() || !name.equals(name.toLowerCase(Locale.ROOT))) {
            return null;
        }
        return IndexPaths.pathOf(name).equals(path) ? name : null;
    }

    /** Separators up to which every `-`/`_` mix of a name is asked for upstream (2^4 = 16 index files at most). */
    static final int MAX_SEPARATORS_MIXED = 4;

    /**
     * The spellings an upstream index may hold a name under: crates.io treats `-` and `_` as one name and files a crate
     * under the spelling it was published with, so `foo-bar_baz` may be there as `foo_bar-baz`. Every mix for a name
     * of up to {@link #MAX_SEPARATORS_MIXED} separators; beyond, the name as given, all `_` and all `-`.
     */
    static Set<String> spellings(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        Set<String> out = new LinkedHashSet<>(List.of(lower, lower.replace('-', '_'), lower.replace('_', '-')));
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < lower.length(); i++) {
            if (lower.charAt(i) == '-' || lower.charAt(i) == '_') {
                at.add(i);
            }
        }
        if (at.size() <= MAX_SEPARATORS_MIXED) {
            for (int mask = 0; mask < 1 << at.size(); mask++) {
                char[] c = lower.toCharArray();
                for (int b = 0; b < at.size(); b++) {
                    c[at.get(b)] = (mask & (1 << b)) != 0 ? '-' : '_';
                }
                out.add(new String(c));
            }
        }
        return out;
    }

    @Override
    public void requireFreeForPrivatePublish(String name) {
        if (!enabled()) {
            return;
        }
        MirrorPolicy p = policy.current();
        if (p.allowedPrivate(name) || p.reservedPatternOf(name) != null) {
            return;
        }
        List<String> failures = new ArrayList<>();
        for (String s : spellings(name)) {
            String path = IndexPaths.pathOf(s);
            if (blobs.head(INDEX_PREFIX + path).isPresent()) {
                throw confusion(name);
            }
            if (mirror.offline()) {
                continue;
            }
            try {
                Upstream.Response r = upstream.get(mirror.upstream() + path, null, mirror.maxIndexBytes(), mirror.indexTimeout());
                if (r.status() == 200 && IndexFileCheck.problem(r.body(), s) == null) {
                    throw confusion(name);
                }
                if (r.status() != 404 && r.status() != 410 && r.status() != 451) {
                    failures.add("HTTP " + r.status());
                }
            } catch (Upstream.UpstreamFailure e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw RegistryException.unavailable("could not check whether a crate `" + name + "` exists on the upstream registry "
                    + mirror.upstream() + " (" + failures.get(0) + "); a new name is published only once that is known."
                    + " Publish again later, or ask an administrator to allow the name for private publishing");
        }
    }

    private RegistryException confusion(String name) {
        LOG.log(Level.WARNING, "private publish of upstream name {0} refused", name);
        return RegistryException.forbidden("crate `" + name + "` exists on the upstream registry " + mirror.upstream()
                + " that this registry mirrors: publishing it here would let the private and the public crate be confused"
                + " (dependency confusion). Pick another name, or ask an administrator to allow `" + name
                + "` for private publishing");
    }

    private static void log(String kind, String outcome, String name, long bytes, long upstreamMs) {
        if (!LOG.isLoggable(Level.INFO)) {
            return;
        }
        // the fields again as a map: in Lambda they become JSON fields, which the template's metric filters read
        LOG.log(Level.INFO, "mirror " + kind + " " + outcome + " " + name + " bytes=" + bytes + " upstreamMs=" + upstreamMs,
                new Object[]{Map.of("mirror", kind, "outcome", outcome, "crate", name, "bytes", bytes, "upstreamMs", upstreamMs)});
    }
}
