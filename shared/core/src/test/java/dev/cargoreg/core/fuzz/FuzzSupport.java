package dev.cargoreg.core.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.cargoreg.core.crate.CrateVersion;
import dev.cargoreg.core.error.RegistryException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every fuzz target shares: the property (success, or a {@link RegistryException} with a 4xx status; anything
 * else propagates and is a finding), the real crates of the seed corpus, and helpers that build seeds from them.
 */
final class FuzzSupport {
    /**
     * Real crates, as cargo packages them ({@code name-version/} and the files under it, sorted, GNU tar, gzip'd), made
     * with {@code tar czf} from the sources Debian's librust-*-dev packages install under /usr/share/cargo/registry.
     * They are {@link TarballFuzzTest}'s seed files; the other targets build their seeds from them.
     */
    static final List<String> REAL_CRATES = List.of("autocfg-1.1.0", "cfg-if-1.0.0", "fnv-1.0.7", "itoa-1.0.1",
            "lazy_static-1.4.0", "scopeguard-1.1.0", "stable_deref_trait-1.2.0");
    private static final String REAL_CRATES_DIR = "/dev/cargoreg/core/fuzz/TarballFuzzTestInputs/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TomlMapper TOML = new TomlMapper();

    private FuzzSupport() {
    }

    interface Action {
        void run() throws Exception;
    }

    /**
     * Runs {@code action}: it must succeed or refuse with a 4xx. A {@link RegistryException} with another status fails
     * with an {@link AssertionError}; any other exception propagates as it is. Returns whether it succeeded.
     */
    static boolean succeedsOrRefuses(Action action) {
        try {
            action.run();
            return true;
        } catch (RegistryException e) {
            requireClientError(e);
            return false;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("unexpected checked exception", e);
        }
    }

    static void requireClientError(RegistryException e) {
        if (e.status() < 400 || e.status() > 499) {
            throw new AssertionError("a refusal must be a 4xx, got " + e.status() + ": " + e.detail(), e);
        }
    }

    /** The real crates, by their {@code name-version}. */
    static Map<String, byte[]> realCrates() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String c : REAL_CRATES) {
            try (InputStream in = FuzzSupport.class.getResourceAsStream(REAL_CRATES_DIR + c + ".crate")) {
                if (in == null) {
                    throw new IllegalStateException("seed crate missing: " + c);
                }
                out.put(c, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] data) {
        try (InputStream in = new GzipCompressorInputStream(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a correct checksum into every 512-byte block that is not all zeros, so that mutated tar headers get past
     * the checksum check to the code behind it (a data block's bytes 148..155 change too, which does no harm).
     */
    static byte[] withTarChecksums(byte[] tar) {
        byte[] out = tar.clone();
        for (int off = 0; off + 512 <= out.length; off += 512) {
            boolean zero = true;
            for (int i = off; i < off + 512 && zero; i++) {
                zero = out[i] == 0;
            }
            if (zero) {
                continue;
            }
            long sum = 0;
            for (int i = 0; i < 512; i++) {
                sum += (i >= 148 && i < 156) ? ' ' : (out[off + i] & 0xff);
            }
            byte[] field = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(field, 0, out, off + 148, 8);
        }
        return out;
    }

    /**
     * The entries of a real (uncompressed) tar whose contents are at most {@code maxSize} bytes, copied block for block,
     * then the end-of-archive blocks: a real tar, small enough to mutate quickly.
     */
    static byte[] smallEntries(byte[] tar, int maxSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int off = 0;
        while (off + 512 <= tar.length) {
            boolean zero = true;
            for (int i = off; i < off + 512 && zero; i++) {
                zero = tar[i] == 0;
            }
            if (zero) {
                break;
            }
            long size = Long.parseLong(new String(tar, off + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
            int blocks = 1 + (int) ((size + 511) / 512);
            if (size <= maxSize) {
                out.write(tar, off, Math.min(blocks * 512, tar.length - off));
            }
            off += blocks * 512;
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /**
     * The crate name and version a tarball's first entry names ({@code name-version/…}), so that a mutated real crate is
     * inspected against the name and version it claims; {@code foo 1.0.0} when that cannot be told. This reads with
     * commons-compress alone and swallows whatever it throws: the code under test runs afterwards.
     */
    static String[] nameAndVersion(byte[] crate) {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new ByteArrayInputStream(crate)), "UTF-8")) {
            TarArchiveEntry first = tar.getNextEntry();
            if (first != null) {
                String root = first.getName();
                int slash = root.indexOf('/');
                root = slash < 0 ? root : root.substring(0, slash);
                String[] split = splitRoot(root);
                if (split != null) {
                    return split;
                }
            }
        } catch (Throwable ignored) {
            // the target itself reports what is wrong with this tarball
        }
        return new String[] {"foo", "1.0.0"};
    }

    /** {@code name-version} at the first `-` after which a valid version follows; null if there is none. */
    static String[] splitRoot(String root) {
        for (int i = root.indexOf('-'); i > 0; i = root.indexOf('-', i + 1)) {
            try {
                CrateVersion.parse(root.substring(i + 1), CrateVersion.MAX_LENGTH);
                return new String[] {root.substring(0, i), root.substring(i + 1)};
            } catch (RegistryException notAVersion) {
                // try the next `-`
            }
        }
        return null;
    }

    /**
     * The publish metadata cargo would send for a real crate, from its normalized Cargo.toml: name, version,
     * dependencies of each kind and target (renames as {@code explicit_name_in_toml}), features and the descriptive
     * fields.
     */
    static byte[] metadataFor(byte[] crate) {
        JsonNode manifest = manifestOf(crate);
        JsonNode pkg = manifest.path("package");
        ObjectNode m = JSON.createObjectNode();
        m.put("name", pkg.path("name").asText());
        m.put("vers", pkg.path("version").asText());
        ArrayNode deps = m.putArray("deps");
        addDeps(deps, manifest.path("dependencies"), "normal", null);
        addDeps(deps, manifest.path("build-dependencies"), "build", null);
        addDeps(deps, manifest.path("dev-dependencies"), "dev", null);
        Iterator<Map.Entry<String, JsonNode>> targets = manifest.path("target").fields();
        while (targets.hasNext()) {
            Map.Entry<String, JsonNode> t = targets.next();
            addDeps(deps, t.getValue().path("dependencies"), "normal", t.getKey());
            addDeps(deps, t.getValue().path("build-dependencies"), "build", t.getKey());
            addDeps(deps, t.getValue().path("dev-dependencies"), "dev", t.getKey());
        }
        m.set("features", manifest.path("features").isObject() ? manifest.get("features") : JSON.createObjectNode());
        m.set("authors", pkg.path("authors").isArray() ? pkg.get("authors") : JSON.createArrayNode());
        for (String f : new String[] {"description", "documentation", "homepage", "license", "license-file", "repository",
                "links", "rust-version"}) {
            m.put(f.replace('-', '_'), pkg.hasNonNull(f) ? pkg.get(f).asText() : null);
        }
        m.putNull("readme");
        m.put("readme_file", pkg.hasNonNull("readme") && pkg.get("readme").isTextual() ? pkg.get("readme").asText() : null);
        m.set("keywords", pkg.path("keywords").isArray() ? pkg.get("keywords") : JSON.createArrayNode());
        m.set("categories", pkg.path("categories").isArray() ? pkg.get("categories") : JSON.createArrayNode());
        m.putObject("badges");
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void addDeps(ArrayNode out, JsonNode table, String kind, String target) {
        Iterator<Map.Entry<String, JsonNode>> it = table.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode spec = e.getValue();
            String req = spec.isTextual() ? spec.asText() : spec.path("version").asText("*");
            ObjectNode d = out.addObject();
            d.put("optional", spec.path("optional").asBoolean(false));
            d.put("default_features", spec.path("default-features").asBoolean(true));
            String pkg = spec.path("package").asText(null);
            d.put("name", pkg != null ? pkg : e.getKey());
            d.set("features", spec.path("features").isArray() ? spec.get("features") : JSON.createArrayNode());
            d.put("version_req", !req.isEmpty() && Character.isDigit(req.charAt(0)) ? "^" + req : req);
            d.put("target", target);
            d.put("kind", kind);
            if (pkg != null) {
                d.put("explicit_name_in_toml", e.getKey());
            }
        }
    }

    static JsonNode manifestOf(byte[] crate) {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new ByteArrayInputStream(crate)), "UTF-8")) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.getName().endsWith("/Cargo.toml") && e.getName().indexOf('/') == e.getName().length() - 11) {
                    return TOML.readTree(tar.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("no Cargo.toml");
    }
}
