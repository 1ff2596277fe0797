package dev.cargoreg.core.publish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.publish.tar.GuardedTarReader;
import dev.cargoreg.core.publish.tar.MetadataHeaderTooLarge;
import dev.cargoreg.core.publish.tar.TarPaths;
import dev.cargoreg.core.publish.tar.UnpackLimitExceeded;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks a .crate the way crates.io does, while streaming: gzip'd tar; only regular files and directories, all under
 * {@code name-version/} with paths in normal form ({@link TarPaths}: no absolute paths, no {@code .}, {@code ..} or
 * empty segments, no backslashes); no duplicate paths; one Cargo.toml whose package name and version match the
 * metadata; and an unpacked-size limit that stops a gzip bomb after at most that many bytes.
 */
public final class TarballInspector {
    private static final int MAX_MANIFEST_BYTES = 1024 * 1024;
    /** A pax header may hold a path of the longest allowed length and a few other records. */
    private static final long PAX_HEADER_SLACK_BYTES = 64L * 1024;

    private final Limits limits;

    public TarballInspector(Limits limits) {
        this.limits = limits;
    }

    /** What the tarball says about itself. */
    public record Facts(long unpackedBytes, int entries, String manifestName, String manifestVersion, boolean hasBuildScript) {
    }

    /** The package name and version the tarball's Cargo.toml declares. */
    record Manifest(String name, String version) {
    }

    /** Opens a .crate with this registry's unpacked-size and header limits (no other check). */
    public GuardedTarReader open(ByteBuffer crate, long maxUnpackedBytes) throws IOException {
        return GuardedTarReader.open(crate, maxUnpackedBytes, limits.maxPathBytes(), maxPaxHeaderBytes());
    }

    private long maxPaxHeaderBytes() {
        return limits.maxPathBytes() + PAX_HEADER_SLACK_BYTES;
    }

    public Facts inspect(ByteBuffer crate, String name, String version) {
        try (GuardedTarReader tar = open(crate, limits.maxUnpackedBytes())) {
            return walk(tar, name + "-" + version, name, version);
        } catch (IOException | IllegalArgumentException e) {
            throw refusal(e);
        }
    }

    /**
     * The normalized {@code Cargo.toml} of a bare .crate (a push): the one at the top of its first directory. Only
     * finds it; {@link #inspect} still checks the whole tarball against the metadata read from it.
     */
    public byte[] manifestOf(ByteBuffer crate) {
        try (GuardedTarReader tar = open(crate, limits.maxUnpackedBytes())) {
            String root = null;
            TarArchiveEntry entry;
            while ((entry = tar.next()) != null) {
                String path = entry.getName();
                int slash = path.indexOf('/');
                if (slash <= 0) {
                    continue;
                }
                if (root == null) {
                    root = path.substring(0, slash);
                }
                if (path.equals(root + "/Cargo.toml") && entry.isFile()) {
                    if (entry.getSize() > MAX_MANIFEST_BYTES) {
                        throw RegistryException.badRequest("`Cargo.toml` in the uploaded tarball is larger than 1 MiB");
                    }
                    return tar.content().readAllBytes();
                }
            }
            throw RegistryException.badRequest("uploaded tarball is missing a `Cargo.toml` manifest file at the top of its"
                    + " directory" + (root == null ? "" : " `" + root + "/`") + "; push a .crate file made by `cargo package`");
        } catch (IOException | IllegalArgumentException e) {
            throw refusal(e);
        }
    }

    /** The 400 for a tarball the guarded reader could not read (RegistryExceptions pass through unchanged). */
    private RegistryException refusal(Exception thrown) {
        if (thrown instanceof RegistryException e) {
            return e;
        }
        if (thrown instanceof GuardedTarReader.NotGzip) {
            return RegistryException.badRequest("uploaded tarball is malformed: it is not gzip-compressed");
        }
        if (thrown instanceof MetadataHeaderTooLarge e) {
            return RegistryException.badRequest(e.longName()
                    ? "invalid path found: a path is longer than " + limits.maxPathBytes() + " bytes"
                    : "uploaded tarball is malformed: a pax header is larger than " + maxPaxHeaderBytes() + " bytes");
        }
        if (thrown instanceof UnpackLimitExceeded) {
            return RegistryException.badRequest("uploaded tarball is malformed or too large when decompressed: it unpacks to more than "
                    + limits.maxUnpackedBytes() + " bytes");
        }
        return RegistryException.badRequest("uploaded tarball is malformed: " + safeMessage(thrown));
    }

    private Facts walk(GuardedTarReader tar, String root, String name, String version) throws IOException {
        String prefix = root + "/";
        Set<String> seen = new HashSet<>();
        String manifestPath = prefix + "Cargo.toml";
        byte[] manifest = null;
        int manifests = 0;
        int entries = 0;
        boolean buildScript = false;
        TarArchiveEntry entry;
        while ((entry = tar.next()) != null) {
            entries++;
            if (entries > limits.maxTarEntries()) {
                throw RegistryException.badRequest("uploaded tarball has more than " + limits.maxTarEntries() + " entries");
            }
            String path = entry.getName();
            byte flag = entry.getLinkFlag();
            boolean dir = flag == TarConstants.LF_DIR;
            boolean file = (flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM) && !entry.isSparse();
            checkPath(path, tar.rewrittenName(), root, dir);
            if (entry.getSize() != tar.headerSize()) {
                // a pax `size` that differs from the header's would make tar readers disagree about the contents
                throw RegistryException.badRequest("uploaded tarball is malformed: the size of " + path
                        + " differs between its pax header and its tar header");
            }
            if (!dir && !file) {
                throw RegistryException.badRequest("unexpected tar entry type " + typeName(entry) + " found: " + path);
            }
            // paths are in normal form, so equal files have equal keys
            if (!seen.add(TarPaths.key(path))) {
                throw RegistryException.badRequest("duplicate entry in uploaded tarball: " + path);
            }
            if (file && path.indexOf('/', prefix.length()) < 0) {
                String rel = path.substring(prefix.length());
                if (rel.equalsIgnoreCase("Cargo.toml")) {
                    manifests++;
                    if (!rel.equals("Cargo.toml") && !rel.equals("cargo.toml")) {
                        throw RegistryException.badRequest("uploaded tarball contains `" + rel
                                + "`, but the manifest must be named `Cargo.toml`");
                    }
                    if (entry.getSize() > MAX_MANIFEST_BYTES) {
                        throw RegistryException.badRequest("`Cargo.toml` in the uploaded tarball is larger than 1 MiB");
                    }
                    manifest = tar.content().readAllBytes();
                } else if (rel.equals("build.rs")) {
                    buildScript = true;
                }
            }
        }
        if (manifests == 0) {
            throw RegistryException.badRequest("uploaded tarball is missing a `Cargo.toml` manifest file at `" + manifestPath + "`");
        }
        if (manifests > 1) {
            throw RegistryException.badRequest("uploaded tarball contains more than one `Cargo.toml` manifest file");
        }
        Manifest m = readManifest(manifest);
        if (!m.name().equals(name)) {
            throw RegistryException.badRequest("metadata name `" + name + "` does not match manifest name `" + m.name() + "`");
        }
        if (!m.version().equals(version)) {
            throw RegistryException.badRequest("metadata version `" + version + "` does not match manifest version `" + m.version() + "`");
        }
        return new Facts(tar.unpackedBytes(), entries, m.name(), m.version(), buildScript);
    }

    /**
     * Refuses a path that is not valid UTF-8, too long, or not in normal form under {@code root}, as written in the
     * tarball: {@code rewritten} is the long name or pax path commons-compress rewrote (null if it did not).
     */
    private void checkPath(String path, String rewritten, String root, boolean dir) {
        if (path.isEmpty() || path.indexOf('\uFFFD') >= 0 || path.indexOf('\0') >= 0) {
            throw RegistryException.badRequest("invalid path found in uploaded tarball: the path is empty or not valid UTF-8");
        }
        String written = rewritten == null ? path : rewritten;
        if (written.getBytes(StandardCharsets.UTF_8).length > limits.maxPathBytes()) {
            throw RegistryException.badRequest("invalid path found: a path is longer than " + limits.maxPathBytes() + " bytes");
        }
        String why = TarPaths.whyNotNormal(written, root, dir);
        if (why == null && rewritten != null) {
            why = "the path is rewritten when read";
        }
        if (why != null) {
            throw RegistryException.badRequest("invalid path found: " + written + " (" + why + ")");
        }
    }

    private static Manifest readManifest(byte[] manifest) {
        JsonNode root;
        try {
            root = CargoToml.read(manifest);
        } catch (IOException e) {
            throw RegistryException.badRequest("failed to parse `Cargo.toml` manifest file: " + safeMessage(e));
        }
        JsonNode pkg = root == null ? null : root.get("package");
        if (pkg == null || !pkg.isObject()) {
            throw RegistryException.badRequest("failed to parse `Cargo.toml` manifest file: missing the `[package]` table");
        }
        JsonNode n = pkg.get("name");
        JsonNode v = pkg.get("version");
        if (n == null || !n.isTextual()) {
            throw RegistryException.badRequest("failed to parse `Cargo.toml` manifest file: `package.name` must be a string");
        }
        if (v == null || !v.isTextual()) {
            throw RegistryException.badRequest("failed to parse `Cargo.toml` manifest file: `package.version` must be a string"
                    + " (workspace inheritance must be resolved, as `cargo package` does)");
        }
        return new Manifest(n.asText(), v.asText());
    }

    private static String typeName(TarArchiveEntry e) {
        if (e.isSymbolicLink()) {
            return "Symlink";
        }
        if (e.isLink()) {
            return "Link";
        }
        if (e.isCharacterDevice()) {
            return "Char";
        }
        if (e.isBlockDevice()) {
            return "Block";
        }
        if (e.isFIFO()) {
            return "Fifo";
        }
        if (e.isSparse()) {
            return "GNUSparse";
        }
        return "'" + (char) e.getLinkFlag() + "'";
    }

    private static String safeMessage(Exception e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        m = m.replaceAll("[\\p{Cntrl}]", " ");
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
    }
}
