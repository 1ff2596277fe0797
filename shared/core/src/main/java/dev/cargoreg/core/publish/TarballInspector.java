package dev.cargoreg.core.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.error.RegistryException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks a .crate the way crates.io does, while streaming: gzip'd tar; only regular files and directories, all under
 * {@code name-version/}; no links, devices, absolute or {@code ..} paths; one Cargo.toml whose package name and
 * version match the metadata; and an unpacked-size limit that stops a gzip bomb after at most that many bytes.
 */
public final class TarballInspector {
    private static final TomlMapper TOML = new TomlMapper();
    private static final int MAX_MANIFEST_BYTES = 1024 * 1024;

    private final Limits limits;

    public TarballInspector(Limits limits) {
        this.limits = limits;
    }

    /** What the tarball says about itself. */
    public record Facts(long unpackedBytes, int entries, String manifestName, String manifestVersion, boolean hasBuildScript) {
    }

    public Facts inspect(ByteBuffer crate, String name, String version) {
        String prefix = name + "-" + version + "/";
        CountingStream counted;
        try {
            GzipCompressorInputStream gz;
            try {
                gz = new GzipCompressorInputStream(new ByteBufferStream(crate.duplicate()));
            } catch (IOException e) {
                throw RegistryException.badRequest("uploaded tarball is malformed: it is not gzip-compressed");
            }
            counted = new CountingStream(gz, limits.maxUnpackedBytes());
            HeaderGuard guard = new HeaderGuard(counted, limits.maxPathBytes(), limits.maxPathBytes() + 64L * 1024);
            return walk(new TarArchiveInputStream(guard, StandardCharsets.UTF_8.name()), prefix, name, version, counted, guard);
        } catch (MetadataHeaderTooLarge e) {
            throw RegistryException.badRequest(e.longName
                    ? "invalid path found: a path is longer than " + limits.maxPathBytes() + " bytes"
                    : "uploaded tarball is malformed: a pax header is larger than " + (limits.maxPathBytes() + 64L * 1024) + " bytes");
        } catch (UnpackLimitExceeded e) {
            throw RegistryException.badRequest("uploaded tarball is malformed or too large when decompressed: it unpacks to more than "
                    + limits.maxUnpackedBytes() + " bytes");
        } catch (IOException | IllegalArgumentException e) {
            throw RegistryException.badRequest("uploaded tarball is malformed: " + safeMessage(e));
        }
    }

    private Facts walk(TarArchiveInputStream tar, String prefix, String name, String version, CountingStream counted,
                       HeaderGuard guard) throws IOException {
        Set<String> seen = new HashSet<>();
        String manifestPath = prefix + "Cargo.toml";
        byte[] manifest = null;
        int manifests = 0;
        int entries = 0;
        boolean buildScript = false;
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            entries++;
            if (entries > limits.maxTarEntries()) {
                throw RegistryException.badRequest("uploaded tarball has more than " + limits.maxTarEntries() + " entries");
            }
            String path = entry.getName();
            checkPath(path, prefix);
            if (entry.getSize() != guard.lastEntrySize) {
                // a pax `size` that differs from the header's would make tar readers disagree about the contents
                throw RegistryException.badRequest("uploaded tarball is malformed: the size of " + path
                        + " differs between its pax header and its tar header");
            }
            byte flag = entry.getLinkFlag();
            boolean dir = flag == TarConstants.LF_DIR;
            boolean file = flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM;
            if (!dir && !file) {
                throw RegistryException.badRequest("unexpected tar entry type " + typeName(entry) + " found: " + path);
            }
            String key = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            if (!seen.add(key)) {
                throw RegistryException.badRequest("duplicate entry in uploaded tarball: " + path);
            }
            if (file && path.startsWith(prefix) && path.indexOf('/', prefix.length()) < 0) {
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
                    manifest = tar.readAllBytes();
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
        String[] nv = readManifest(manifest);
        if (!nv[0].equals(name)) {
            throw RegistryException.badRequest("metadata name `" + name + "` does not match manifest name `" + nv[0] + "`");
        }
        if (!nv[1].equals(version)) {
            throw RegistryException.badRequest("metadata version `" + version + "` does not match manifest version `" + nv[1] + "`");
        }
        return new Facts(counted.count, entries, nv[0], nv[1], buildScript);
    }

    private void checkPath(String path, String prefix) {
        if (path.isEmpty() || path.indexOf('\uFFFD') >= 0 || path.indexOf('\0') >= 0) {
            throw RegistryException.badRequest("invalid path found in uploaded tarball: the path is empty or not valid UTF-8");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > limits.maxPathBytes()) {
            throw RegistryException.badRequest("invalid path found: a path is longer than " + limits.maxPathBytes() + " bytes");
        }
        if (!path.startsWith(prefix) && !path.equals(prefix.substring(0, prefix.length() - 1))) {
            throw RegistryException.badRequest("invalid path found: " + path + " (every entry must be under `" + prefix + "`)");
        }
        for (String part : path.split("[/\\\\]")) {
            if (part.equals("..")) {
                throw RegistryException.badRequest("invalid path found: " + path);
            }
        }
        if (path.indexOf('\\') >= 0) {
            throw RegistryException.badRequest("invalid path found: " + path + " (backslashes are not allowed)");
        }
    }

    private static String[] readManifest(byte[] manifest) {
        JsonNode root;
        try {
            root = TOML.readTree(manifest);
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
        return new String[] {n.asText(), v.asText()};
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

    /** Skips by reading through the stream's own read(), so filters see every byte they are asked to skip. */
    static long skipByReading(InputStream in, long n) throws IOException {
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    /** A GNU long-name or pax header above the limit: refused before commons-compress buffers it whole. */
    static final class MetadataHeaderTooLarge extends IOException {
        final boolean longName;

        MetadataHeaderTooLarge(boolean longName) {
            super("tar metadata header too large", null);
            this.longName = longName;
        }
    }

    /**
     * Follows the tar stream's 512-byte blocks to see each header before commons-compress does, and refuses GNU
     * long-name (L, K) and pax (x, g) headers whose data is larger than the limit: commons-compress would read such
     * data into memory whole, so a small upload could claim gigabytes of heap.
     */
    static final class HeaderGuard extends FilterInputStream {
        private final long maxNameBytes;
        private final long maxMetadataBytes;
        private final byte[] header = new byte[512];
        private int headerFill;
        private long dataRemaining;
        /** The size field of the last header that was not a long-name or pax header. */
        long lastEntrySize = -1;

        HeaderGuard(InputStream in, long maxNameBytes, long maxMetadataBytes) {
            super(in);
            this.maxNameBytes = maxNameBytes;
            this.maxMetadataBytes = maxMetadataBytes;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (dataRemaining > 0) {
                int n = super.read(b, off, (int) Math.min(len, dataRemaining));
                if (n > 0) {
                    dataRemaining -= n;
                }
                return n;
            }
            int n = super.read(b, off, Math.min(len, 512 - headerFill));
            if (n > 0) {
                System.arraycopy(b, off, header, headerFill, n);
                headerFill += n;
                if (headerFill == 512) {
                    headerFill = 0;
                    inspect();
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Read instead of skipping, so every header on the way is seen.
            return skipByReading(this, n);
        }

        private void inspect() throws MetadataHeaderTooLarge {
            boolean zero = true;
            for (byte x : header) {
                if (x != 0) {
                    zero = false;
                    break;
                }
            }
            if (zero) {
                return;
            }
            long size = size();
            byte type = header[156];
            boolean longName = type == 'L' || type == 'K';
            boolean meta = longName || type == 'x' || type == 'g';
            // a long name's data is the name and its NUL terminator
            if (longName && (size < 0 || size > maxNameBytes + 1)) {
                throw new MetadataHeaderTooLarge(true);
            }
            if (meta && (size < 0 || size > maxMetadataBytes)) {
                throw new MetadataHeaderTooLarge(false);
            }
            if (!meta) {
                lastEntrySize = size;
            }
            dataRemaining = size < 0 ? Long.MAX_VALUE : (size + 511) / 512 * 512;
        }

        /** The size field: octal digits, or base-256 when the high bit of its first byte is set. -1 if absurd. */
        private long size() {
            if ((header[124] & 0x80) != 0) {
                long v = header[124] & 0x7f;
                for (int i = 125; i < 136; i++) {
                    if (v > (Long.MAX_VALUE >> 8)) {
                        return -1;
                    }
                    v = (v << 8) | (header[i] & 0xff);
                }
                return v;
            }
            long v = 0;
            for (int i = 124; i < 136; i++) {
                byte c = header[i];
                if (c == 0 || c == ' ') {
                    if (v > 0) {
                        break;
                    }
                    continue;
                }
                if (c < '0' || c > '7') {
                    return -1;
                }
                v = v * 8 + (c - '0');
            }
            return v;
        }
    }

    /** Signals the unpacked-size limit; an IOException so it travels through commons-compress unchanged. */
    static final class UnpackLimitExceeded extends IOException {
        UnpackLimitExceeded() {
            super("unpacked size limit exceeded", null);
        }
    }

    /** Counts decompressed bytes and fails as soon as the limit is passed. */
    static final class CountingStream extends FilterInputStream {
        private final long max;
        long count;

        CountingStream(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Read instead of skipping, so every decompressed byte is counted.
            return skipByReading(this, n);
        }

        private void add(long n) throws UnpackLimitExceeded {
            count += n;
            if (count > max) {
                throw new UnpackLimitExceeded();
            }
        }
    }

    static final class ByteBufferStream extends InputStream {
        private final ByteBuffer buf;

        ByteBufferStream(ByteBuffer buf) {
            this.buf = buf;
        }

        @Override
        public int read() {
            return buf.hasRemaining() ? buf.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (!buf.hasRemaining()) {
                return -1;
            }
            int n = Math.min(len, buf.remaining());
            buf.get(b, off, n);
            return n;
        }

        @Override
        public int available() {
            return buf.remaining();
        }
    }
}
