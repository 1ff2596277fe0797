package dev.cargoreg.local.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.index.IndexLines;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.MetadataStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** The invariants of a registry at rest: what every resilience test checks afterwards. */
final class Consistency {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Consistency() {
    }

    /**
     * For each crate: its index file equals its regeneration from DynamoDB, every version appears exactly once, and
     * every line's tarball exists with exactly the checksum the line carries. Returns the problems found.
     */
    static List<String> check(MetadataStore store, BlobStore blobs, List<String> crateNames) throws Exception {
        List<String> problems = new ArrayList<>();
        for (String name : crateNames) {
            String canonical = CrateName.canonical(name);
            var crate = store.findCrate(canonical);
            var versions = store.listVersions(canonical);
            var file = blobs.get(IndexPaths.keyOf(name));
            if (crate.isEmpty()) {
                if (!versions.isEmpty()) {
                    problems.add(name + ": versions without a crate record");
                }
                if (file.isPresent()) {
                    problems.add(name + ": index file of a crate that does not exist");
                }
                continue;
            }
            String expected = new String(IndexLines.render(versions.stream()
                    .map(v -> new IndexLines.StoredLine(v.seq(), v.line(), v.yanked())).toList()), StandardCharsets.UTF_8);
            String actual = file.map(b -> new String(b.body(), StandardCharsets.UTF_8)).orElse("");
            if (!expected.equals(actual)) {
                problems.add(name + ": index file differs from its regeneration from DynamoDB");
            }
            Set<String> seen = new HashSet<>();
            for (String line : actual.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                JsonNode l = JSON.readTree(line);
                String vers = l.get("vers").asText();
                if (!seen.add(vers)) {
                    problems.add(name + ": version " + vers + " appears twice");
                }
                var tarball = blobs.get(IndexPaths.crateKey(name, vers));
                if (tarball.isEmpty()) {
                    problems.add(name + "@" + vers + ": line without a tarball");
                } else {
                    String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tarball.get().body()));
                    if (!sum.equals(l.get("cksum").asText())) {
                        problems.add(name + "@" + vers + ": tarball checksum differs from the line's");
                    }
                }
            }
            if (crate.get().summary().numVersions() != versions.size()) {
                problems.add(name + ": crate summary counts " + crate.get().summary().numVersions() + " versions, " + versions.size() + " exist");
            }
        }
        return problems;
    }
}
