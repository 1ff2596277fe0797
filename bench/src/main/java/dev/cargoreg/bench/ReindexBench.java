package dev.cargoreg.bench;

import dev.cargoreg.core.admin.ReindexReport;
import dev.cargoreg.core.admin.ReindexService;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.index.DependencyEdges;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.testing.AwsRegistryFixture;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reindex costs over DynamoDB Local and the embedded S3 server: one crate's work (the unit a reindex request
 * cannot split) for crates of 1 to 10,000 versions with three dependencies of this registry each, and, first, a walk
 * over one-version crates in requests, from which the requests of a 150,000-crate registry are estimated.
 */
final class ReindexBench {
    private static final List<String> DEPS = List.of("rdx-dep-a", "rdx-dep-b", "rdx-dep-c");
    private static final int WALK_CRATES = 400;
    private final Report report;
    private final AwsRegistryFixture f;

    ReindexBench(Report report, AwsRegistryFixture fixture) {
        this.report = report;
        this.f = fixture;
    }

    void run() {
        report.heading("Reindex: one crate's work, and a walk in requests");
        Principal root = f.principal(AwsRegistryFixture.ROOT);
        for (String dep : DEPS) {
            f.publishService().publish(f.principal(AwsRegistryFixture.ALICE), Crates.body(dep, "1.0.0", 0, 1));
        }
        for (int i = 0; i < WALK_CRATES; i++) {
            f.publishService().publish(f.principal(AwsRegistryFixture.ALICE), Crates.body("rdx-walk-" + i, "1.0.0", 0, i));
        }
        ReindexService service = f.services.reindex();
        long t0 = System.nanoTime();
        int requests = 0;
        int crates = 0;
        String next = null;
        do {
            ReindexReport r = service.reindex(root, next, Instant.now());
            if (!r.ok()) {
                throw new IllegalStateException("reindex failed for " + r.failed() + " crates");
            }
            crates += r.rebuilt();
            next = r.next();
            requests++;
        } while (next != null);
        double ms = (System.nanoTime() - t0) / 1e6;
        double perCrate = ms / crates;
        long estimate = (long) Math.ceil(150_000 * perCrate / 20_000);
        report.line("Walk: " + crates + " crates of one version in " + Stats.ms(ms)
                + " ms, " + requests + " request(s): " + Stats.f1(perCrate) + " ms a crate, so a registry of 150,000 such "
                + "crates needs about " + estimate + " requests of 20 s (" + Stats.f1(150_000 * perCrate / 60_000)
                + " minutes) at this rate.");
        report.progress("reindex: " + crates + " crates in " + Stats.ms(ms) + " ms");
        report.line("");

        List<List<String>> rows = new ArrayList<>();
        for (int versions : new int[]{1, 100, 1_000, 10_000}) {
            rows.add(oneCrate(root, versions));
        }
        report.table(List.of("versions", "reverse-dependency edges", "runs", "one crate's reindex p50 ms", "max ms",
                "its reverse dependencies, a call per version, ms", "in one call (25 per batch, 4 at a time), ms"), rows);
        report.line("One crate's reindex: finish its removals, replace a file labelled above its revision, render and write "
                + "its index file (deleted before each run, so every run writes it), its ownership items, and its "
                + "reverse dependencies (25 per BatchWriteItem, 4 at a time). A reindex request stops after the crate "
                + "that ends past 20 s, so this is by how much one can overrun.");
    }

    private List<String> oneCrate(Principal root, int versions) {
        String name = "rdx-" + versions;
        String canonical = CrateName.canonical(name);
        PublishBodyBuilder first = Crates.metadata(name, "0.0.1");
        DEPS.forEach(d -> first.dep(PublishBodyBuilder.dep(d, "^1")));
        long c0 = System.nanoTime();
        IndexBench.create(f, name, versions, first.body(Crates.tarball(name, "0.0.1", 0, versions)));
        report.progress("reindex: created " + name + " in " + Stats.ms((System.nanoTime() - c0) / 1e6) + " ms");

        List<SearchSource.Entry> entry = f.searchSource.loadAll().stream()
                .filter(e -> e.canonicalName().equals(canonical) && !e.isCounts()).toList();
        ReindexService one = new ReindexService(new OneCrate(entry), f.store, f.blobs, f.services.index(), f.cdn,
                Clock.systemUTC());
        int runs = versions >= 10_000 ? 3 : versions >= 1_000 ? 5 : 15;
        Stats stats = new Stats();
        for (int i = 0; i < runs + 1; i++) {
            f.blobs.delete(IndexPaths.keyOf(name));
            long s = System.nanoTime();
            ReindexReport r = one.reindex(root);
            long t = System.nanoTime() - s;
            if (r.rebuilt() != 1 || !r.ok()) {
                throw new IllegalStateException("reindex of " + name + ": " + r);
            }
            if (i >= 1) {
                stats.add(t);
            }
        }
        int edges = 0;
        for (String dep : DEPS) {
            edges += (int) f.store.dependents(CrateName.canonical(dep)).stream()
                    .filter(e -> e.dependentCanonical().equals(canonical)).count();
        }
        if (edges != versions * DEPS.size()) {
            throw new IllegalStateException(name + ": " + edges + " edges recorded, expected " + versions * DEPS.size());
        }
        // the reverse dependencies alone, as the reindex of 4dad6d1 wrote them (a call per version, its edges in one
        // batch) and as it writes them now (one call: 25 per batch, 4 batches at a time), alternating
        List<List<MetadataStore.DependencyEdge>> perVersion = f.store.listVersions(canonical).stream()
                .map(DependencyEdges::of).toList();
        List<MetadataStore.DependencyEdge> all = perVersion.stream().flatMap(List::stream).toList();
        Stats byVersion = new Stats();
        Stats oneCall = new Stats();
        for (int i = 0; i < (versions >= 10_000 ? 2 : 4); i++) {
            long s = System.nanoTime();
            perVersion.forEach(f.store::recordDependents);
            byVersion.add(System.nanoTime() - s);
            s = System.nanoTime();
            f.store.recordDependents(all);
            oneCall.add(System.nanoTime() - s);
        }
        report.progress("reindex " + versions + ": p50 " + Stats.ms(stats.p50()) + " ms");
        return List.of(Stats.thousands(versions), Stats.thousands(edges), Integer.toString(runs), Stats.ms(stats.p50()),
                Stats.ms(stats.max()), Stats.ms(byVersion.p50()), Stats.ms(oneCall.p50()));
    }

    /** The search data of one crate: a reindex of it alone. */
    private record OneCrate(List<Entry> entries) implements SearchSource {
        @Override
        public List<Entry> loadAll() {
            return entries;
        }

        @Override
        public List<Entry> changedSince(Instant since) {
            return entries;
        }
    }
}
