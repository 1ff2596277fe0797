package dev.cargoreg.core.crates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.crate.VersionDetails;
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
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    /** GET /api/v1/crates/{name}: the crate, its versions newest first, its keywords. */
    public CrateResponse crate(String name) {
        CrateRecord crate = access.crate(name);
        List<VersionRecord> versions = sortedNewestFirst(store.listVersions(crate.canonicalName()));
        Map<String, UserRecord> users = publishers(versions);
        String created = crate.createdAt().toString();
        return new CrateResponse(
                CrateJson.view(crate.name(), crate.summary(), crate.createdAt(), crate.updatedAt(), false)
                        .withVersions(versions.stream().map(v -> versionId(crate, v)).toList()),
                versions.stream().map(v -> versionView(crate, v, users)).toList(),
                crate.summary().keywords().stream().map(k -> new CrateResponse.Keyword(k, k, 0, created)).toList(),
                List.of());
    }

    /** GET /api/v1/crates/{name}/{version}. */
    public VersionResponse version(String name, String version) {
        CrateRecord crate = access.crate(name);
        VersionRecord v = access.version(crate, version);
        return new VersionResponse(versionView(crate, v, publishers(List.of(v))));
    }

    /** GET /api/v1/crates/{name}/versions: every version, newest first, on one page. */
    public VersionList versions(String name) {
        CrateRecord crate = access.crate(name);
        List<VersionRecord> versions = sortedNewestFirst(store.listVersions(crate.canonicalName()));
        Map<String, UserRecord> users = publishers(versions);
        return new VersionList(versions.stream().map(v -> versionView(crate, v, users)).toList(),
                new VersionList.Meta(versions.size(), null));
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
        String file = v.details().readmeFile();
        String rel = file == null ? null : TarPaths.normalizeRelative(file);
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
        return store.findUsers(versions.stream().map(VersionRecord::publishedBy).filter(Objects::nonNull).distinct().toList());
    }

    private static List<VersionRecord> sortedNewestFirst(List<VersionRecord> versions) {
        List<VersionRecord> sorted = new ArrayList<>(versions);
        sorted.sort(Comparator.comparingLong(VersionRecord::seq).reversed());
        return sorted;
    }

    /** A stable numeric id per version, within JavaScript's safe integer range. */
    static long versionId(CrateRecord crate, VersionRecord v) {
        long h = 1125899906842597L;
        for (char ch : (crate.canonicalName() + "@" + v.versionWithoutBuild()).toCharArray()) {
            h = 31 * h + ch;
        }
        return h & ((1L << 53) - 1);
    }

    private VersionView versionView(CrateRecord crate, VersionRecord v, Map<String, UserRecord> users) {
        JsonNode line;
        try {
            line = Json.mapper().readTree(v.line());
        } catch (IOException e) {
            throw new IllegalStateException("stored index line of " + crate.name() + "@" + v.version() + " is not JSON", e);
        }
        String path = "/api/v1/crates/" + crate.name() + "/" + v.version();
        String published = v.publishedAt().toString();
        UserRecord u = users.get(v.publishedBy());
        VersionDetails d = v.details();
        return new VersionView(versionId(crate, v), crate.name(), v.version(), path + "/download", path + "/readme",
                published, published, 0, features(line), v.yanked(), null,
                line.hasNonNull("links") ? line.get("links").asText() : null, d.license(), v.crateSize(), v.cksum(),
                line.hasNonNull("rust_version") ? line.get("rust_version").asText() : null,
                u == null ? null : new VersionView.Publisher(u.id(), u.login(), u.name(), "user"), List.of(),
                d.description(), d.homepage(), d.documentation(), d.repository(),
                VersionView.Links.of(crate.name(), v.version()),
                d.provenance() == null ? null : d.provenance().toJson());
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
