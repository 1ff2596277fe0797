package dev.cargoreg.bench;

import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.aws.Provisioning;
import dev.cargoreg.aws.internal.DynamoSearchSource;
import dev.cargoreg.aws.internal.S3BlobStore;
import dev.cargoreg.aws.internal.SearchSeed;
import dev.cargoreg.aws.lambda.StoragePriming;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.search.SearchService;
import dev.cargoreg.core.search.SnapshotInBlobStore;
import dev.cargoreg.embedded.s3.FileObjectStore;
import dev.cargoreg.embedded.s3.S3Server;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import static dev.cargoreg.bench.SearchBench.HEAP;

/**
 * Item 3, cold: the search function's first load of 150,000 crate summaries from DynamoDB (the `search` index, 16
 * shards queried in parallel through the production {@link DynamoSearchSource}) and the index build, in a fresh JVM.
 * The table is DynamoDB Local over HTTP, so the figure is this machine's, not AWS's: DynamoDB Local answers a 1 MB
 * page far more slowly than DynamoDB does, which makes it an upper bound for the parsing and building we do.
 */
final class SearchLoadBench {
    static final int CRATES = 150_000;
    private static final String TABLE = "search-load";
    private static final String BUCKET = "search-load";

    private SearchLoadBench() {
    }

    static void run(Report report, String javaBin, String classpath) throws Exception {
        report.heading("3b. Search, cold load from DynamoDB");
        try (DynamoServer server = DynamoServer.start();
             S3Server s3 = S3Server.start(new FileObjectStore(Files.createTempDirectory("search-load-s3"), false), 0)) {
            DynamoDbClient ddb = AwsClients.dynamo(AwsClients.Settings.emulated(server.endpoint(), null));
            Provisioning.ensureTable(ddb, TABLE);
            Provisioning.ensureBucket(AwsClients.s3(AwsClients.Settings.emulated(null, s3.endpoint())), BUCKET);
            long t0 = System.nanoTime();
            seed(ddb, SearchBench.generate(CRATES, new Random(CRATES)));
            report.progress("search load: seeded " + CRATES + " crate items in " + Stats.f1((System.nanoTime() - t0) / 1e9) + " s");
            List<List<String>> rows = new ArrayList<>();
            // the first fresh JVM finds no snapshot: it pages through every summary and stores one; the others use it
            // runs 4 and 5 first make the SDK calls the search function's SnapStart hook makes (StoragePriming), as a
            // restored instance has: what a cold load costs in AWS, where the function runs with SnapStart
            for (int run = 1; run <= 5; run++) {
                Process p = new ProcessBuilder(javaBin, "-Xmx" + HEAP, "-cp", classpath, SearchLoadBench.class.getName(),
                        server.endpoint().toString(), TABLE, s3.endpoint().toString(), BUCKET, run > 3 ? "primed" : "fresh")
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("ROW\t")) {
                            List<String> row = new ArrayList<>(List.of(Integer.toString(run)));
                            row.addAll(List.of(line.substring(4).split("\t")));
                            rows.add(row);
                        }
                    }
                }
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("search load child exited with " + p.exitValue());
                }
            }
            report.table(List.of("fresh JVM", "loaded from", "crates", "reading ms (snapshot GET, or every summary)",
                    "changes ms (entries; read during the decode)", "decode + merge + first query ms", "cold load ms (≤ 1,000)",
                    "snapshot write ms", "JVM CPU-s"), rows);
            report.line("Each run is a fresh JVM (`-Xmx" + HEAP + "`) whose first act is `SearchService.refresh()` over the"
                    + " production `DynamoSearchSource` against DynamoDB Local on loopback (150,000 realistic summaries from"
                    + " the section 3 generator, written as the production store writes crate items). Without a snapshot it"
                    + " pages through the `search` index (16 shard queries in parallel) and then stores a snapshot; with one"
                    + " it reads the snapshot (one GET from the embedded S3 server over HTTP) and the changes since (16 small queries)."
                    + " The cold load includes adopting the snapshot's columns, merging the changes and the first query.");
        }
    }

    private static void seed(DynamoDbClient ddb, List<SearchSource.Entry> entries) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int from = 0; from < entries.size(); from += 25) {
                List<SearchSource.Entry> batch = entries.subList(from, Math.min(entries.size(), from + 25));
                parts.add(pool.submit(() -> {
                    List<WriteRequest> writes = batch.stream().map(e -> WriteRequest.builder()
                            .putRequest(PutRequest.builder().item(SearchSeed.crateItem(e)).build()).build()).toList();
                    Map<String, List<WriteRequest>> pending = Map.of(TABLE, writes);
                    while (!pending.isEmpty()) {
                        Map<String, List<WriteRequest>> send = pending;
                        BatchWriteItemResponse r = ddb.batchWriteItem(b -> b.requestItems(send));
                        pending = r.hasUnprocessedItems() ? r.unprocessedItems() : Map.of();
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Child: one cold load, split into reading (snapshot or full load, plus changes) and building. */
    public static void main(String[] args) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        DynamoDbClient ddb = AwsClients.dynamo(AwsClients.Settings.emulated(URI.create(args[0]), null));
        S3BlobStore blobs = new S3BlobStore(AwsClients.s3(AwsClients.Settings.emulated(null, URI.create(args[2]))), args[3]);
        TimedSource source = new TimedSource(new SnapshotInBlobStore(new DynamoSearchSource(ddb, args[1]), blobs));
        boolean primed = args[4].equals("primed");
        if (primed) {
            // what the search function's hook does: a Query of the search index and S3 reads of its priming key
            new DynamoSearchSource(ddb, args[1]).changedSince(Instant.now());
            StoragePriming.prime(null, blobs, new StoragePriming.Scope(StoragePriming.Scope.SEARCH_KEY));
        }
        SearchService service = new SearchService(source, Clock.systemUTC(), Duration.ofHours(1));
        long t0 = System.nanoTime();
        service.refresh();
        // the first query is part of a cold instance's first answer
        service.search(Map.of("q", "fast"));
        double total = (System.nanoTime() - t0) / 1e6 - source.saveMs;
        double reading = source.fullLoads > 0 ? source.readMs : source.snapshotMs;
        if (service.size() != CRATES) {
            throw new IllegalStateException("loaded " + service.size() + " of " + CRATES);
        }
        System.out.println("ROW\t" + (source.fullLoads > 0 ? "every summary (no snapshot yet)" : "snapshot + changes")
                + (primed ? ", after the priming hook's calls" : "")
                + "\t" + Stats.thousands(service.size()) + "\t" + Stats.ms(reading) + "\t" + Stats.ms(source.changesMs) + " (" + Stats.thousands(source.changes) + ")"
                + "\t" + Stats.ms(total - reading)
                + "\t" + Stats.ms(total) + ", " + Report.verdict(total <= 1000) + "\t"
                + (source.saveMs > 0 ? Stats.ms(source.saveMs) : "–") + "\t" + Stats.f1(os.getProcessCpuTime() / 1e9));
        System.out.flush();
        System.exit(0);
    }

    /** Times what the search service asks of the source. */
    private static final class TimedSource implements SearchSource {
        final SearchSource delegate;
        double readMs;
        double snapshotMs;
        double changesMs;
        int changes;
        double saveMs;
        int fullLoads;

        TimedSource(SearchSource delegate) {
            this.delegate = delegate;
        }

        private <T> T timed(Supplier<T> call) {
            long t = System.nanoTime();
            try {
                return call.get();
            } finally {
                readMs += (System.nanoTime() - t) / 1e6;
            }
        }

        @Override
        public List<Entry> loadAll() {
            fullLoads++;
            return timed(delegate::loadAll);
        }

        @Override
        public List<Entry> changedSince(Instant since) {
            long t = System.nanoTime();
            try {
                List<Entry> changed = delegate.changedSince(since);
                changes += changed.size();
                return changed;
            } finally {
                changesMs += (System.nanoTime() - t) / 1e6;
            }
        }

        @Override
        public Optional<Snapshot> snapshot() {
            long t = System.nanoTime();
            try {
                return delegate.snapshot();
            } finally {
                snapshotMs += (System.nanoTime() - t) / 1e6;
            }
        }

        @Override
        public void saveSnapshot(Snapshot snapshot) {
            long t = System.nanoTime();
            delegate.saveSnapshot(snapshot);
            saveMs = (System.nanoTime() - t) / 1e6;
        }
    }
}
