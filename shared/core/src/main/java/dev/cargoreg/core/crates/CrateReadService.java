package dev.cargoreg.core.crates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.audit.AuditQuery;
import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.crate.VersionDetails;
import dev.cargoreg.core.crate.VersionOrder;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CrateLookup;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.CrateRecord;
import dev.cargoreg.core.port.MetadataStore.UserRecord;
import dev.cargoreg.core.port.MetadataStore.VersionRecord;
import dev.cargoreg.core.publish.TarballInspector;
import dev.cargoreg.core.publish.tar.GuardedTarReader;
import dev.cargoreg.core.publish.tar.TarPaths;
import dev.cargoreg.core.publish.tar.UnpackLimitExceeded;
import dev.cargoreg.core.readme.ReadmeObjects;
import dev.cargoreg.core.readme.ReadmeRenderer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The crates.io read API over the truth: crate, version, versions, download redirect, readme. */
public final class CrateReadService {
    /** The most of a readme served: longer ones are cut. */
    private static final int MAX_README_BYTES = 1024 * 1024;
    /**
     * The most a readme request inflates from the tarball, the readme included. Anyone may ask for a readme, so one
     * request must not inflate a whole tarball (up to the unpacked limit, 512 MiB by default). cargo writes entries
     * sorted by path, so a root README.md comes after only the few entries that sort before it (`Cargo.toml`, `LICENSE`…).
     */
    static final long README_SCAN_BYTES = 8L * 1024 * 1024;
    /**
     * How long the CDN may keep a rendered readme: it is derived, and rarely (a copy kept in the moment an admin
     * removal ran, where taking it back failed) outlives its version; an hour bounds that at the edges.
     */
    static final String README_CACHE = "public, max-age=3600";

    /** The most audit records read for a crate's version list (the newest; older versions then show none). */
    static final int MAX_AUDIT_ACTIONS = 1000;
    /** Audit actions as crates.io names them on a version. */
    private static final Map<String, String> VERSION_ACTIONS = Map.of(
            AuditRecord.Action.CRATE_PUBLISHED.wire(), "publish",
            AuditRecord.Action.CRATE_YANKED.wire(), "yank",
            AuditRecord.Action.CRATE_UNYANKED.wire(), "unyank");

    private final MetadataStore store;
    private final BlobStore blobs;
    private final RegistryConfig config;
    private final CrateLookup access;
    private final TarballInspector inspector;
    private final Clock clock;

    public CrateReadService(MetadataStore store, BlobStore blobs, RegistryConfig config) {
        this(store, blobs, config, Clock.systemUTC());
    }

    public CrateReadService(MetadataStore store, BlobStore blobs, RegistryConfig config, Clock clock) {
        this.clock = clock;
        this.store = store;
        this.blobs = blobs;
        this.config = config;
        this.access = new CrateLookup(store);
        this.inspector = new TarballInspector(config.limits());
    }

    /** GET /api/v1/crates/{name}: the crate, its versions newest first, its keywords. */
    public CrateResponse crate(String name) {
        CrateRecord crate = access.crate(name);
        List<VersionRecord> versions = sortedNewestFirst(store.listVersions(crate.canonicalName()));
        Map<String, List<AuditRecord>> actions = versionActions(crate, null);
        Map<String, UserRecord> users = users(versions, actions);
        String created = crate.createdAt().toString();
        MetadataStore.DownloadTotals downloads = store.downloadTotals(crate.canonicalName());
        LocalDate today = today();
        long recent = store.dailyDownloads(crate.canonicalName(), today.minusDays(RECENT_DAYS - 1), today).values()
                .stream().mapToLong(Long::longValue).sum();
        return new CrateResponse(
                CrateJson.view(crate.name(), crate.summary(), crate.createdAt(), crate.updatedAt(), false)
                        .withDownloads(downloads.total(), recent)
                        .withVersions(versions.stream().map(v -> versionId(crate, v)).toList()),
                versions.stream().map(v -> versionView(crate, v, users, actions, downloads)).toList(),
                crate.summary().keywords().stream().map(k -> new CrateResponse.Keyword(k, k, 0, created)).toList(),
                List.of());
    }

    /** GET /api/v1/crates/{name}/{version}. */
    public VersionResponse version(String name, String version) {
        CrateRecord crate = access.crate(name);
        VersionRecord v = access.version(crate, version);
        Map<String, List<AuditRecord>> actions = versionActions(crate, v.version());
        return new VersionResponse(versionView(crate, v, users(List.of(v), actions), actions,
                store.downloadTotals(crate.canonicalName())));
    }

    /** GET /api/v1/crates/{name}/versions: every version, newest first, on one page. */
    public VersionList versions(String name) {
        CrateRecord crate = access.crate(name);
        List<VersionRecord> versions = sortedNewestFirst(store.listVersions(crate.canonicalName()));
        Map<String, List<AuditRecord>> actions = versionActions(crate, null);
        Map<String, UserRecord> users = users(versions, actions);
        MetadataStore.DownloadTotals downloads = store.downloadTotals(crate.canonicalName());
        return new VersionList(versions.stream().map(v -> versionView(crate, v, users, actions, downloads)).toList(),
                new VersionList.Meta(versions.size(), null));
    }

    /** GET /api/v1/crates/{name}/{version}/dependencies: the version's dependencies as its index line has them. */
    public DependencyList dependencies(String name, String version) {
        CrateRecord crate = access.crate(name);
        VersionRecord v = access.version(crate, version);
        long versionId = versionId(crate, v);
        List<DependencyList.Dependency> out = new ArrayList<>();
        JsonNode deps = line(crate, v).get("deps");
        if (deps != null && deps.isArray()) {
            int i = 0;
            for (JsonNode d : deps) {
                out.add(dependency(d, versionId, i++));
            }
        }
        // crates.io lists normal dependencies first, then build and dev, each by name
        out.sort(Comparator.comparing((DependencyList.Dependency d) -> kindOrder(d.kind()))
                .thenComparing(DependencyList.Dependency::crateId));
        return new DependencyList(out);
    }

    /** One entry of an index line's {@code deps} as crates.io shows it. */
    private static DependencyList.Dependency dependency(JsonNode d, long versionId, int index) {
        String alias = d.path("name").asText();
        String pkg = d.hasNonNull("package") ? d.get("package").asText() : null;
        List<String> features = new ArrayList<>();
        d.path("features").forEach(x -> features.add(x.asText()));
        // an id unique per dependency of this version, within JavaScript's safe integer range
        long id = (versionId * 31 + index) & ((1L << 53) - 1);
        return new DependencyList.Dependency(id, versionId, pkg == null ? alias : pkg, d.path("req").asText(),
                d.path("optional").asBoolean(false), d.path("default_features").asBoolean(true), features,
                d.hasNonNull("target") ? d.get("target").asText() : null, d.path("kind").asText("normal"),
                pkg == null ? null : alias, d.hasNonNull("registry") ? d.get("registry").asText() : null, 0);
    }

    /**
     * GET /api/v1/crates/{name}/reverse_dependencies?page=&per_page=: the crates whose newest version that depends on
     * this crate still exists, by name, with those versions. Read from the reverse-dependency items written after each
     * publish; an item whose version was removed is skipped (so {@code total} counts dependent crates as recorded).
     */
    public ReverseDependencyList reverseDependencies(String name, int page, int perPage) {
        if (page < 1 || perPage < 1 || perPage > 100) {
            throw RegistryException.badRequest("page must be at least 1 and per_page between 1 and 100");
        }
        CrateRecord crate = access.crate(name);
        // per dependent crate, its recorded versions, newest publish first
        Map<String, TreeMap<Long, List<MetadataStore.DependencyEdge>>> byCrate = new TreeMap<>();
        for (MetadataStore.DependencyEdge e : store.dependents(crate.canonicalName())) {
            byCrate.computeIfAbsent(e.dependentCanonical(), k -> new TreeMap<>(Comparator.reverseOrder()))
                    .computeIfAbsent(e.dependentSeq(), k -> new ArrayList<>()).add(e);
        }
        List<DependencyList.Dependency> deps = new ArrayList<>();
        List<VersionView> versions = new ArrayList<>();
        byCrate.entrySet().stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(entry -> {
            Optional<CrateRecord> dependent = store.findCrate(entry.getKey());
            if (dependent.isEmpty()) {
                return;
            }
            for (List<MetadataStore.DependencyEdge> edges : entry.getValue().values()) {
                Optional<VersionRecord> v = store.findVersion(entry.getKey(), edges.get(0).dependentVersionWithoutBuild())
                        .filter(x -> x.seq() == edges.get(0).dependentSeq());
                if (v.isPresent()) {
                    long versionId = versionId(dependent.get(), v.get());
                    for (MetadataStore.DependencyEdge e : edges) {
                        try {
                            deps.add(dependency(Json.readTree(e.dependency()), versionId, e.index()));
                        } catch (IOException bad) {
                            throw new IllegalStateException("stored dependency of " + e.dependentCanonical() + " is not JSON", bad);
                        }
                    }
                    versions.add(versionView(dependent.get(), v.get(), users(List.of(v.get()), Map.of()), Map.of(),
                            store.downloadTotals(entry.getKey())));
                    return;
                }
            }
        });
        return new ReverseDependencyList(deps, versions, new ReverseDependencyList.Meta(byCrate.size()));
    }

    /** What crates.io calls recent downloads: the last 90 UTC days, today included. */
    public static final int RECENT_DAYS = 90;
    /** The versions listed one by one in the crate's downloads (crates.io's: the five highest). */
    static final int DOWNLOADS_VERSIONS = 5;

    /**
     * GET /api/v1/crates/{name}/downloads, as crates.io answers it: the last 90 days' downloads per day of the five
     * highest versions (SemVer order), and in {@code meta.extra_downloads} those of every other version, per day.
     */
    public DownloadList crateDownloads(String name) {
        CrateRecord crate = access.crate(name);
        List<String> highest = store.listVersions(crate.canonicalName()).stream().map(VersionRecord::versionWithoutBuild)
                .sorted(VersionOrder.PRECEDENCE.reversed()).limit(DOWNLOADS_VERSIONS).toList();
        LocalDate today = today();
        List<DownloadList.VersionDownload> listed = new ArrayList<>();
        Map<LocalDate, Long> extra = new TreeMap<>();
        for (MetadataStore.DownloadCount c : store.versionDailyDownloads(crate.canonicalName(),
                today.minusDays(RECENT_DAYS - 1), today)) {
            if (highest.contains(c.versionWithoutBuild())) {
                listed.add(new DownloadList.VersionDownload(versionId(crate.canonicalName(), c.versionWithoutBuild()),
                        c.count(), c.day().toString()));
            } else {
                extra.merge(c.day(), c.count(), Long::sum);
            }
        }
        listed.sort(Comparator.comparing(DownloadList.VersionDownload::date)
                .thenComparing(DownloadList.VersionDownload::version, Comparator.reverseOrder()));
        return new DownloadList(listed, new DownloadList.Meta(extra.entrySet().stream()
                .map(e -> new DownloadList.ExtraDownload(e.getKey().toString(), e.getValue())).toList()));
    }

    /**
     * GET /api/v1/crates/{name}/{version}/downloads?before_date=YYYY-MM-DD: the version's downloads per day for the 90
     * days up to {@code beforeDate} (today when null), oldest first, as crates.io answers it.
     */
    public DownloadList versionDownloads(String name, String version, String beforeDate) {
        CrateRecord crate = access.crate(name);
        VersionRecord v = access.version(crate, version);
        LocalDate last;
        try {
            last = beforeDate == null || beforeDate.isBlank() ? today() : LocalDate.parse(beforeDate.trim());
        } catch (DateTimeParseException e) {
            throw RegistryException.badRequest("before_date must be a date like 2024-01-31, got `" + beforeDate + "`");
        }
        long id = versionId(crate, v);
        List<DownloadList.VersionDownload> out = new ArrayList<>();
        for (MetadataStore.DownloadCount c : store.versionDailyDownloads(crate.canonicalName(),
                last.minusDays(RECENT_DAYS - 1), last)) {
            if (c.versionWithoutBuild().equals(v.versionWithoutBuild())) {
                out.add(new DownloadList.VersionDownload(id, c.count(), c.day().toString()));
            }
        }
        out.sort(Comparator.comparing(DownloadList.VersionDownload::date));
        return new DownloadList(out, null);
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** GET /api/v1/crates/{name}/{version}/authors: the `authors` the version was published with. */
    public AuthorList authors(String name, String version) {
        CrateRecord crate = access.crate(name);
        return AuthorList.of(access.version(crate, version).details().authors());
    }

    private static int kindOrder(String kind) {
        return switch (kind) {
            case "normal" -> 0;
            case "build" -> 1;
            default -> 2;
        };
    }

    /** The URL cargo would download the version from (the CDN's, as in config.json's `dl`). */
    public String downloadUrl(String name, String version) {
        CrateRecord crate = access.crate(name);
        VersionRecord v = access.version(crate, version);
        return config.dlTemplate().replace("{crate}", crate.name()).replace("{version}", v.version());
    }

    /**
     * The readme as sanitized HTML, as crates.io's readme endpoint answers. Rendered the first time anyone asks, not by
     * publish (crates.io renders in a background job too: a publish neither waits for the Markdown renderer and the
     * sanitizer nor fails on them), from the README text cargo sent, which publish stored beside the tarball; for a
     * version published before that, from the file its metadata names in its tarball. The HTML is then kept beside the
     * tarball, where the web UI reads it through the CDN. Whatever is kept or stored counts only if it is marked with
     * this version's tarball's SHA-256 ({@link IndexPaths#SHA256_METADATA}): a version removed and published again
     * with other bytes never shows the old README.
     */
    public Optional<String> readmeHtml(String name, String version) {
        CrateRecord crate = access.crate(name);
        VersionRecord v = access.version(crate, version);
        String key = IndexPaths.readmeKey(crate.name(), v.version());
        Optional<BlobStore.Blob> kept = blobs.get(key);
        // a copy larger than a rendering is now ever (kept before renderings were bounded) is rendered again
        if (kept.isPresent() && kept.get().body().length <= ReadmeRenderer.MAX_HTML_BYTES && keptFor(crate, v, kept.get().info())) {
            return Optional.of(new String(kept.get().body(), StandardCharsets.UTF_8));
        }
        Optional<String> text = blobs.get(IndexPaths.readmeTextKey(crate.name(), v.version()))
                .filter(sent -> v.cksum().equals(sent.info().metadata().get(IndexPaths.SHA256_METADATA)))
                .map(sent -> new String(sent.body(), StandardCharsets.UTF_8))
                .or(() -> readme(crate, v));
        Optional<String> html = text.map(t -> new ReadmeRenderer().render(t, v.details().readmeFile(), v.details().repository()));
        // kept for the next reader, best effort
        html.ifPresent(h -> ReadmeObjects.putForVersion(blobs, store, v, key, h.getBytes(StandardCharsets.UTF_8),
                "text/html; charset=utf-8", README_CACHE));
        return html;
    }

    /**
     * Whether a kept copy is this version's: marked with its checksum, or, unmarked, written by publish before readmes
     * were rendered on first read (it rendered them right after writing the tarball, so such a copy is not older than
     * the tarball; one older was left by a failed publish of other bytes).
     */
    private boolean keptFor(CrateRecord crate, VersionRecord v, BlobStore.BlobInfo copy) {
        String mark = copy.metadata().get(IndexPaths.SHA256_METADATA);
        if (mark != null) {
            return mark.equals(v.cksum());
        }
        return blobs.head(IndexPaths.crateKey(crate.name(), v.version()))
                .map(tarball -> copy.lastModified() != null && tarball.lastModified() != null
                        && !copy.lastModified().isBefore(tarball.lastModified()))
                .orElse(false);
    }

    /** The readme published with the version (read from its tarball), if it had one. */
    public Optional<String> readme(String name, String version) {
        CrateRecord crate = access.crate(name);
        return readme(crate, access.version(crate, version));
    }

    /**
     * The readme file the metadata names, as cargo packed it. A path outside the package (`../README.md`, a workspace's
     * readme, when a client sends the path as written in Cargo.toml) is looked for where cargo puts such a file: at the
     * package's root, by its name.
     */
    private Optional<String> readme(CrateRecord crate, VersionRecord v) {
        String file = v.details().readmeFile();
        if (file == null) {
            return Optional.empty();
        }
        String rel = TarPaths.normalizeRelative(file);
        if (rel == null) {
            rel = TarPaths.normalizeRelative(file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1));
        }
        if (rel == null) {
            return Optional.empty();
        }
        String wanted = crate.name() + "-" + v.version() + "/" + rel;
        byte[] tarball = blobs.get(IndexPaths.crateKey(crate.name(), v.version()))
                .orElseThrow(() -> RegistryException.notFound("the tarball of `" + crate.name() + "@" + v.version() + "` is gone"))
                .body();
        // the guarded reader stops at the first match, or once README_SCAN_BYTES are inflated, whichever comes first
        try (GuardedTarReader tar = inspector.open(ByteBuffer.wrap(tarball), README_SCAN_BYTES)) {
            TarArchiveEntry e;
            while ((e = tar.next()) != null) {
                if (e.isFile() && e.getName().equals(wanted)) {
                    byte[] bytes = tar.content().readNBytes(MAX_README_BYTES);
                    return Optional.of(new String(bytes, StandardCharsets.UTF_8));
                }
            }
        } catch (UnpackLimitExceeded e) {
            throw RegistryException.notFound("the readme of `" + crate.name() + "@" + v.version() + "` is not served: it is not"
                    + " within the first " + README_SCAN_BYTES / (1024 * 1024) + " MiB of its unpacked tarball");
        } catch (IOException e) {
            throw RegistryException.unavailable("could not read the tarball of `" + crate.name() + "@" + v.version() + "`");
        }
        return Optional.empty();
    }

    private Map<String, UserRecord> users(List<VersionRecord> versions, Map<String, List<AuditRecord>> actions) {
        Set<String> logins = new HashSet<>();
        versions.stream().map(VersionRecord::publishedBy).filter(Objects::nonNull).forEach(logins::add);
        actions.values().forEach(l -> l.forEach(r -> logins.add(r.actor())));
        return store.findUsers(logins);
    }

    /**
     * The publish, yank and unyank records of the crate (of one version, or the newest {@link #MAX_AUDIT_ACTIONS} of
     * all), by full version, oldest first.
     */
    private Map<String, List<AuditRecord>> versionActions(CrateRecord crate, String version) {
        Map<String, List<AuditRecord>> out = new HashMap<>();
        for (AuditRecord r : store.auditTrail(new AuditQuery(crate.canonicalName(), version, null, null, null,
                MAX_AUDIT_ACTIONS, null)).records()) {
            if (r.version() != null && r.actor() != null && VERSION_ACTIONS.containsKey(r.action())) {
                out.computeIfAbsent(r.version(), k -> new ArrayList<>()).add(0, r);
            }
        }
        return out;
    }

    private static List<VersionRecord> sortedNewestFirst(List<VersionRecord> versions) {
        List<VersionRecord> sorted = new ArrayList<>(versions);
        sorted.sort(Comparator.comparingLong(VersionRecord::seq).reversed());
        return sorted;
    }

    /** A stable numeric id per version, within JavaScript's safe integer range. */
    static long versionId(CrateRecord crate, VersionRecord v) {
        return versionId(crate.canonicalName(), v.versionWithoutBuild());
    }

    static long versionId(String canonical, String versionWithoutBuild) {
        long h = 1125899906842597L;
        for (char ch : (canonical + "@" + versionWithoutBuild).toCharArray()) {
            h = 31 * h + ch;
        }
        return h & ((1L << 53) - 1);
    }

    private static JsonNode line(CrateRecord crate, VersionRecord v) {
        try {
            return Json.readTree(v.line());
        } catch (IOException e) {
            throw new IllegalStateException("stored index line of " + crate.name() + "@" + v.version() + " is not JSON", e);
        }
    }

    private VersionView versionView(CrateRecord crate, VersionRecord v, Map<String, UserRecord> users,
                                    Map<String, List<AuditRecord>> actions, MetadataStore.DownloadTotals downloads) {
        JsonNode line = line(crate, v);
        String path = "/api/v1/crates/" + crate.name() + "/" + v.version();
        String published = v.publishedAt().toString();
        UserRecord u = users.get(v.publishedBy());
        VersionDetails d = v.details();
        return new VersionView(versionId(crate, v), crate.name(), v.version(), path + "/download", path + "/readme",
                published, published, downloads.byVersion().getOrDefault(v.versionWithoutBuild(), 0L), features(line), v.yanked(), null,
                line.hasNonNull("links") ? line.get("links").asText() : null, d.license(), v.crateSize(), v.cksum(),
                line.hasNonNull("rust_version") ? line.get("rust_version").asText() : null,
                u == null ? null : new VersionView.Publisher(u.id(), u.login(), u.name(), "user"),
                actions.getOrDefault(v.version(), List.of()).stream().map(r -> auditAction(r, users)).toList(),
                d.description(), d.homepage(), d.documentation(), d.repository(),
                VersionView.Links.of(crate.name(), v.version()),
                d.provenance() == null ? null : d.provenance().toJson());
    }

    private static VersionView.AuditAction auditAction(AuditRecord r, Map<String, UserRecord> users) {
        UserRecord u = users.get(r.actor());
        return new VersionView.AuditAction(VERSION_ACTIONS.get(r.action()),
                new VersionView.Publisher(u == null ? 0 : u.id(), r.actor(), u == null ? r.actor() : u.name(), "user"),
                r.at().toString());
    }

    /** The full feature map, as the API shows it: `features` and `features2` merged. */
    private static Map<String, List<String>> features(JsonNode line) {
        Map<String, List<String>> all = new TreeMap<>();
        for (String key : new String[] {"features", "features2"}) {
            JsonNode f = line.get(key);
            if (f != null && f.isObject()) {
                f.fields().forEachRemaining(e -> {
                    List<String> values = all.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                    e.getValue().forEach(x -> values.add(x.asText()));
                });
            }
        }
        return all;
    }
}
