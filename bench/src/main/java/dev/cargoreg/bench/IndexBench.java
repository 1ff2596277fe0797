package dev.cargoreg.bench;

import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.index.IndexLines;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.testing.Unaudited;
import dev.cargoreg.testing.AwsRegistryFixture;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Item 2: rendering a crate's index file from its stored lines, and the whole {@link IndexSync#sync} (crate read,
 * versions query, render, head, conditional put), for crates with 1 to 10,000 versions.
 */
final class IndexBench {
    private final Report report;
    private final AwsRegistryFixture f;

    IndexBench(Report report, AwsRegistryFixture fixture) {
        this.report = report;
        this.f = fixture;
    }

    void run() {
        report.heading("2. Index regeneration");
        List<List<String>> rows = new ArrayList<>();
        for (int versions : new int[]{1, 100, 1_000, 10_000}) {
            rows.add(measure(versions));
        }
        report.table(List.of("versions", "index file", "avg line", "DynamoDB items read (pages)", "bytes read (item sizes)",
                "listVersions p50 ms", "render p50 ms", "render p99 ms", "IndexSync.sync p50 ms", "sync p99 ms",
                "publish p50 ms (appends)", "publish p50 ms (full render)"), rows);
        report.line("Budget: render of 10,000 versions ≤ 50 ms (see the 10,000 row). `sync` is measured with the index "
                + "object deleted before each run, so every run reads, renders and writes.");
    }

    private List<String> measure(int versions) {
        String name = "idx-" + versions;
        String canonical = CrateName.canonical(name);
        long t0 = System.nanoTime();
        create(name, versions);
        report.progress("index: created " + name + " with " + versions + " versions in "
                + Stats.ms((System.nanoTime() - t0) / 1e6) + " ms");

        // bytes read: what the strongly consistent query returns, sized by DynamoDB's rules
        long bytes = 0;
        int items = 0;
        int pages = 0;
        QueryRequest q = QueryRequest.builder().tableName(f.table).consistentRead(true)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :v)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CRATE#" + canonical), ":v", AttributeValue.fromS("V#")))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        for (var page : f.dynamo.queryPaginator(q)) {
            pages++;
            for (var item : page.items()) {
                bytes += ItemSize.of(item);
                items++;
            }
        }

        int reps = versions >= 10_000 ? 7 : versions >= 1_000 ? 25 : 100;
        Stats list = new Stats();
        List<IndexLines.StoredLine> lines = null;
        for (int i = 0; i < reps + 1; i++) {
            long s = System.nanoTime();
            List<MetadataStore.VersionRecord> v = f.store.listVersions(canonical);
            long t = System.nanoTime() - s;
            if (i >= 1) {
                list.add(t);
            }
            lines = v.stream().map(r -> new IndexLines.StoredLine(r.seq(), r.line(), r.yanked())).toList();
        }
        if (lines.size() != versions) {
            throw new IllegalStateException(name + " has " + lines.size() + " versions, expected " + versions);
        }

        Stats render = new Stats();
        int renderReps = versions >= 10_000 ? 300 : 2_000;
        byte[] file = null;
        for (int i = 0; i < renderReps + renderReps / 4; i++) {
            long s = System.nanoTime();
            file = IndexLines.render(lines);
            long t = System.nanoTime() - s;
            if (i >= renderReps / 4) {
                render.add(t);
            }
        }

        IndexSync sync = f.services.index();
        Stats full = new Stats();
        String key = IndexPaths.keyOf(name);
        for (int i = 0; i < reps + 1; i++) {
            f.blobs.delete(key);
            long s = System.nanoTime();
            IndexSync.Outcome o = sync.sync(canonical, false);
            long t = System.nanoTime() - s;
            if (o != IndexSync.Outcome.WRITTEN) {
                throw new IllegalStateException("sync of " + name + " answered " + o);
            }
            if (i >= 1) {
                full.add(t);
            }
        }
        // a publish at this size: appending to the index file, and (paired, alternating) the same with the file gone,
        // which falls back to reading every version and rendering in full
        Stats append = new Stats();
        Stats fallback = new Stats();
        var alice = f.principal(AwsRegistryFixture.ALICE);
        for (int i = 0; i < 2 * reps + 2; i++) {
            boolean fullRender = i % 2 == 1;
            byte[] body = Crates.body(name, "1000000.0." + i, 0, 1); // above every generated version
            if (fullRender) {
                f.blobs.delete(key);
            }
            long s = System.nanoTime();
            f.publishService().publish(alice, body);
            long t = System.nanoTime() - s;
            if (i >= 2) {
                (fullRender ? fallback : append).add(t);
            }
        }
        int lineCount = versions;
        long fileBytes = file.length;
        report.progress("index " + versions + ": render p50 " + Stats.ms(render.p50()) + " ms, sync p50 " + Stats.ms(full.p50()) + " ms");
        return List.of(Stats.thousands(versions), Stats.thousands(fileBytes) + " B", Stats.thousands(fileBytes / lineCount) + " B",
                Stats.thousands(items) + " (" + pages + ")", Stats.thousands(bytes) + " B",
                Stats.ms(list.p50()), Stats.ms(render.p50()), Stats.ms(render.p99()), Stats.ms(full.p50()), Stats.ms(full.p99()),
                Stats.ms(append.p50()), Stats.ms(fallback.p50()));
    }

    private void create(String name, int versions) {
        create(f, name, versions, Crates.body(name, "0.0.1", 0, versions));
    }

    /**
     * {@code firstBody} (version 0.0.1) through the publish service; the other versions copies of its index line, straight
     * into the store's commit (no tarballs).
     */
    static void create(AwsRegistryFixture f, String name, int versions, byte[] firstBody) {
        f.publishService().publish(f.principal(AwsRegistryFixture.ALICE), firstBody);
        String canonical = CrateName.canonical(name);
        MetadataStore.VersionRecord first = f.store.findVersion(canonical, "0.0.1").orElseThrow();
        MetadataStore.CrateRecord crate = f.store.findCrate(canonical).orElseThrow();
        long rev = crate.revision();
        long count = crate.versionCount();
        CrateSummary summary = crate.summary();
        Random random = new Random(versions);
        byte[] sum = new byte[32];
        for (int i = 2; i <= versions; i++) {
            String version = (i / 1000) + "." + (i / 10 % 100) + "." + (i % 10);
            random.nextBytes(sum);
            String cksum = HexFormat.of().formatHex(sum);
            String line = first.line().replace("\"vers\":\"0.0.1\"", "\"vers\":\"" + version + "\"")
                    .replace(first.cksum(), cksum);
            boolean yanked = i % 50 == 0;
            Instant now = Instant.now();
            MetadataStore.VersionRecord record = new MetadataStore.VersionRecord(canonical, version, version, count + 1, line,
                    yanked, cksum, first.crateSize(), "alice", now, first.details());
            summary = CrateSummary.afterPublish(summary, summary.descriptive(), version);
            try {
                Unaudited.of(f.store).commitPublish(new MetadataStore.PublishCommit(canonical, name, rev, count, "alice", record, summary, now));
            } catch (MetadataStore.CommitConflict e) {
                throw new IllegalStateException(e);
            }
            rev++;
            count++;
        }
    }

    /** DynamoDB's item size rules: attribute names plus values; lists and maps cost 3 bytes plus 1 per element. */
    static final class ItemSize {
        private ItemSize() {
        }

        static long of(Map<String, AttributeValue> item) {
            long size = 0;
            for (var e : item.entrySet()) {
                size += e.getKey().getBytes(StandardCharsets.UTF_8).length + value(e.getValue());
            }
            return size;
        }

        private static long value(AttributeValue v) {
            if (v.s() != null) {
                return v.s().getBytes(StandardCharsets.UTF_8).length;
            }
            if (v.n() != null) {
                return (v.n().replaceAll("[^0-9]", "").length() + 1) / 2 + 1;
            }
            if (v.bool() != null || Boolean.TRUE.equals(v.nul())) {
                return 1;
            }
            if (v.hasSs()) {
                return v.ss().stream().mapToLong(x -> x.getBytes(StandardCharsets.UTF_8).length).sum();
            }
            if (v.hasL()) {
                return 3 + v.l().stream().mapToLong(x -> 1 + value(x)).sum();
            }
            if (v.hasM()) {
                return 3 + v.m().entrySet().stream()
                        .mapToLong(x -> 1 + x.getKey().getBytes(StandardCharsets.UTF_8).length + value(x.getValue())).sum();
            }
            return 0;
        }
    }
}
