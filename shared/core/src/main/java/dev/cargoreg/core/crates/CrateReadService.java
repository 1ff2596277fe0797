package dev.cargoreg.core.crates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.port.CrateLookup;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.CrateRecord;
import dev.cargoreg.core.port.MetadataStore.UserRecord;
import dev.cargoreg.core.port.MetadataStore.VersionRecord;
import dev.cargoreg.core.publish.TarballInspector;
import dev.cargoreg.core.publish.tar.GuardedTarReader;
import dev.cargoreg.core.publish.tar.TarPaths;
import dev.cargoreg.core.publish.tar.UnpackLimitExceeded;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private final MetadataStore store;
    private final BlobStore blobs;
    private final RegistryConfig config;
    private final CrateLookup access;
    private final TarballInspector inspector;

    public CrateReadService(MetadataStore store, BlobStore blobs, RegistryConfig config) {
        this.store = store;
        this.blobs = blobs;
        this.config = config;
        this.access = new CrateLookup(store);
        this.inspector = new TarballInspector(config.limits());
    }

    /** GET /api/v1/crates/{name}: {"crate":…,"versions":[…],"keywords":[…],"categories":[]}. */
    public Map<String, Object> crate(String name) {
        CrateRecord crate = access.crate(name);
        List<VersionRecord> versions = sortedNewestFirst(store.listVersions(crate.canonicalName()));
        Map<String, UserRecord> users = publishers(versions);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("crate", crateJson(crate, versions));
        out.put("versions", versions.stream().map(v -> versionJson(crate, v, users)).toList());
        out.put("keywords", crate.summary().keywords().stream()
                .map(k -> Map.of("id", k, "keyword", k, "crates_cnt", 0, "created_at", crate.createdAt().toString())).toList());
        out.put("categories", List.of());
        return out;
    }

    /** GET /api/v1/crates/{name}/{version}: {"version":…}. */
    public Map<String, Object> version(String name, String version) {
        CrateRecord crate = access.crate(name);
        VersionRecord v = access.version(crate, version);
        return Map.of("version", versionJson(crate, v, publishers(List.of(v))));
    }

    /** GET /api/v1/crates/{name}/versions: {"versions":[…],"meta":{"total":n,"next_page":null}}, newest first. */
    public Map<String, Object> versions(String name) {
        CrateRecord crate = access.crate(name);
        List<VersionRecord> versions = sortedNewestFirst(store.listVersions(crate.canonicalName()));
        Map<String, UserRecord> users = publishers(versions);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("total", versions.size());
        meta.put("next_page", null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("versions", versions.stream().map(v -> versionJson(crate, v, users)).toList());
        out.put("meta", meta);
        return out;
    }

    /** The URL cargo would download the version from (the CDN's, as in config.json's `dl`). */
    public String downloadUrl(String name, String version) {
        CrateRecord crate = access.crate(name);
        VersionRecord v = access.version(crate, version);
        return config.dlTemplate().replace("{crate}", crate.name()).replace("{version}", v.version());
    }

    /** The readme published with the version (read from its tarball), if it had one. */
    public Optional<String> readme(String name, String version) {
        CrateRecord crate = access.crate(name);
        VersionRecord v = access.version(crate, version);
        Object file = v.details().get("readme_file");
        String rel = file instanceof String path ? TarPaths.normalizeRelative(path) : null;
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

    private Map<String, UserRecord> publishers(List<VersionRecord> versions) {
        return store.findUsers(versions.stream().map(VersionRecord::publishedBy).filter(java.util.Objects::nonNull).distinct().toList());
    }

    private static List<VersionRecord> sortedNewestFirst(List<VersionRecord> versions) {
        List<VersionRecord> sorted = new ArrayList<>(versions);
        sorted.sort(Comparator.comparingLong(VersionRecord::seq).reversed());
        return sorted;
    }

    private Map<String, Object> crateJson(CrateRecord crate, List<VersionRecord> versions) {
        Map<String, Object> c = CrateJson.summary(crate.name(), crate.summary(), crate.createdAt(), crate.updatedAt(), false);
        c.put("versions", versions.stream().map(v -> versionId(crate, v)).toList());
        return c;
    }

    /** A stable numeric id per version, within JavaScript's safe integer range. */
    static long versionId(CrateRecord crate, VersionRecord v) {
        long h = 1125899906842597L;
        for (char ch : (crate.canonicalName() + "@" + v.versionWithoutBuild()).toCharArray()) {
            h = 31 * h + ch;
        }
        return h & ((1L << 53) - 1);
    }

    private Map<String, Object> versionJson(CrateRecord crate, VersionRecord v, Map<String, UserRecord> users) {
        JsonNode line;
        try {
            line = Json.mapper().readTree(v.line());
        } catch (IOException e) {
            throw new IllegalStateException("stored index line of " + crate.name() + "@" + v.version() + " is not JSON", e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", versionId(crate, v));
        out.put("crate", crate.name());
        out.put("num", v.version());
        out.put("dl_path", "/api/v1/crates/" + crate.name() + "/" + v.version() + "/download");
        out.put("readme_path", "/api/v1/crates/" + crate.name() + "/" + v.version() + "/readme");
        out.put("created_at", v.publishedAt().toString());
        out.put("updated_at", v.publishedAt().toString());
        out.put("downloads", 0);
        out.put("features", features(line));
        out.put("yanked", v.yanked());
        out.put("yank_message", null);
        out.put("lib_links", line.hasNonNull("links") ? line.get("links").asText() : null);
        out.put("license", v.details().get("license"));
        out.put("crate_size", v.crateSize());
        out.put("checksum", v.cksum());
        out.put("rust_version", line.hasNonNull("rust_version") ? line.get("rust_version").asText() : null);
        UserRecord u = users.get(v.publishedBy());
        out.put("published_by", u == null ? null : Map.of("id", u.id(), "login", u.login(), "name", u.name(), "kind", "user"));
        out.put("audit_actions", List.of());
        out.put("description", v.details().get("description"));
        out.put("homepage", v.details().get("homepage"));
        out.put("documentation", v.details().get("documentation"));
        out.put("repository", v.details().get("repository"));
        out.put("links", Map.of(
                "dependencies", "/api/v1/crates/" + crate.name() + "/" + v.version() + "/dependencies",
                "version_downloads", "/api/v1/crates/" + crate.name() + "/" + v.version() + "/downloads",
                "authors", "/api/v1/crates/" + crate.name() + "/" + v.version() + "/authors"));
        return out;
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
