package dev.cargoreg.core.downloads;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the tarball downloads among a log's requests, per crate (as spelled in the path), version and UTC day.
 *
 * <p>A download is a {@code GET} of {@code /crates/{name}/{name}-{version}.crate} answered {@code 200}, which is what
 * crates.io counts (one per tarball request that succeeded). Not counted: {@code HEAD}; {@code 206} (a range request
 * resumes a download already counted, or is a partial fetch); {@code 304} (cargo never revalidates a tarball, it keeps
 * it by checksum; a 304 delivers nothing); errors; and the crates.io mirror's {@code /mirror/crates/…}, which are
 * downloads of crates.io's crates, not of this registry's.
 */
public final class DownloadTally {
    private static final String PREFIX = "/crates/";
    private static final String SUFFIX = ".crate";

    /** One (crate, version, day) cell; {@code name} and {@code version} as the path spells them. */
    public record Key(String name, String version, LocalDate day) {
    }

    private final Map<Key, long[]> counts = new HashMap<>();
    private long downloads;

    /** Counts {@code r} if it is a successful tarball download. */
    public void add(AccessLogParser.Request r) {
        if (r.status() != 200 || !r.method().equals("GET")) {
            return;
        }
        Key k = key(r.path(), r.day());
        if (k != null) {
            counts.computeIfAbsent(k, x -> new long[1])[0]++;
            downloads++;
        }
    }

    /** The crate and version of a private tarball path, or null when the path is something else. */
    static Key key(String path, LocalDate day) {
        if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) {
            return null;
        }
        int slash = path.indexOf('/', PREFIX.length());
        if (slash < 0 || path.indexOf('/', slash + 1) >= 0) {
            return null;
        }
        String name = path.substring(PREFIX.length(), slash);
        String file = path.substring(slash + 1, path.length() - SUFFIX.length());
        if (name.isEmpty() || !file.startsWith(name + "-") || file.length() == name.length() + 1) {
            return null;
        }
        return new Key(name, file.substring(name.length() + 1), day);
    }

    /** Downloads counted. */
    public long downloads() {
        return downloads;
    }

    /** The cells, sorted by crate, version and day (the order the counter chunks them in: the same for a retry). */
    public List<Map.Entry<Key, Long>> cells() {
        List<Map.Entry<Key, Long>> out = new ArrayList<>(counts.size());
        counts.forEach((k, v) -> out.add(Map.entry(k, v[0])));
        out.sort(Map.Entry.comparingByKey(Comparator.comparing(Key::name).thenComparing(Key::version)
                .thenComparing(Key::day)));
        return out;
    }
}
