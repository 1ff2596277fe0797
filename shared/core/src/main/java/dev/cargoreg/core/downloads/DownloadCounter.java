package dev.cargoreg.core.downloads;

import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crates.CrateReadService;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.DownloadCount;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Applies one CloudFront access log file's downloads to the store, once. The file's counts are merged per crate,
 * version and day, sorted, and cut into chunks of {@link MetadataStore#MAX_DOWNLOAD_COUNTS_PER_CHUNK}; each chunk is
 * added in one transaction with a marker keyed by the log's object key and the chunk's number. The same file always
 * gives the same chunks, so processing it again (S3 delivers an event at least once) adds nothing, and a run that
 * stopped half-way adds, on retry, only the chunks it had not added. Crates and versions this registry does not have
 * are skipped (a download of a removed version, a probe): counting never creates a crate.
 */
public final class DownloadCounter {
    /**
     * How long a file's markers are kept: longer than the log bucket keeps the file (30 days, template.yaml), so a file
     * that can still be processed again still has its markers.
     */
    public static final Duration MARKER_KEPT = Duration.ofDays(60);
    private static final Logger LOG = Logger.getLogger(DownloadCounter.class.getName());

    private final MetadataStore store;
    private final Clock clock;

    public DownloadCounter(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * What one run did: request lines read and skipped as malformed, downloads found, downloads of unknown crates or
     * versions (not counted), chunks added now and chunks that an earlier run had already added.
     */
    public record Result(long lines, long malformed, long downloads, long unknown, int chunksAdded, int chunksAlreadyAdded) {
    }

    /** Counts the gzip'd log file stored at {@code logKey}. */
    public Result count(String logKey, InputStream gzipped) {
        DownloadTally tally = new DownloadTally();
        AccessLogParser.Stats stats = AccessLogParser.parseGzip(gzipped, tally::add);
        // merged by canonical crate, version without build and day: `Foo` and `foo` are one crate
        Map<List<Object>, DownloadCount> merged = new LinkedHashMap<>();
        for (Map.Entry<DownloadTally.Key, Long> cell : tally.cells()) {
            DownloadTally.Key k = cell.getKey();
            String canonical = CrateName.canonical(k.name());
            int plus = k.version().indexOf('+');
            String withoutBuild = plus < 0 ? k.version() : k.version().substring(0, plus);
            LocalDate day = k.day();
            merged.merge(List.of(canonical, withoutBuild, day), new DownloadCount(canonical, withoutBuild, day, cell.getValue()),
                    (a, b) -> new DownloadCount(canonical, withoutBuild, day, a.count() + b.count()));
        }
        // chunks are cut before unknown versions are dropped, so they depend on the file alone, never on the store
        List<DownloadCount> counts = new ArrayList<>(merged.values());
        // which versions exist: one batch read for the whole file (BatchGetItem, 100 keys a call)
        Set<MetadataStore.VersionKey> known = store.existingVersions(counts.stream()
                .map(c -> new MetadataStore.VersionKey(c.canonicalName(), c.versionWithoutBuild())).distinct().toList());
        Instant keepUntil = clock.instant().plus(MARKER_KEPT);
        Set<String> counted = new TreeSet<>();
        long unknown = 0;
        int added = 0;
        int already = 0;
        int chunk = 0;
        for (int i = 0; i < counts.size(); i += MetadataStore.MAX_DOWNLOAD_COUNTS_PER_CHUNK, chunk++) {
            List<DownloadCount> part = new ArrayList<>();
            for (DownloadCount c : counts.subList(i, Math.min(counts.size(), i + MetadataStore.MAX_DOWNLOAD_COUNTS_PER_CHUNK))) {
                if (known.contains(new MetadataStore.VersionKey(c.canonicalName(), c.versionWithoutBuild()))) {
                    part.add(c);
                    counted.add(c.canonicalName());
                } else {
                    unknown += c.count();
                }
            }
            if (store.addDownloads(logKey, chunk, part, keepUntil)) {
                added++;
            } else {
                already++;
            }
        }
        refreshRecent(counted);
        Result r = new Result(stats.lines(), stats.skipped(), tally.downloads(), unknown, added, already);
        LOG.info(() -> "counted " + logKey + ": " + r);
        return r;
    }

    /**
     * Search keeps each crate's counts in memory (it never reads them per query): after the file's counts are added,
     * each crate it counted gets its 90-day sum recomputed (one query of at most 90 small items) and stored with its
     * total for search's change feed. Also on a retry whose chunks were all added before, so a run that stopped between
     * adding and this step is repaired by the retry. A crate no longer downloaded keeps its last sum in search (the
     * crate page is exact): docs/downloads.md.
     */
    private void refreshRecent(Set<String> crates) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        for (String canonical : crates) {
            long recent = store.dailyDownloads(canonical, today.minusDays(CrateReadService.RECENT_DAYS - 1), today).values()
                    .stream().mapToLong(Long::longValue).sum();
            store.setRecentDownloads(canonical, recent, now);
        }
    }
}
