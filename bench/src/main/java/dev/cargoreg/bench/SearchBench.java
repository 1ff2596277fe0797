package dev.cargoreg.bench;

import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.CrateSummary;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.search.SearchService;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Item 3: search over 1,000 to 150,000 synthetic crates held by {@link SearchService}. Runs in a fresh JVM capped at
 * {@value #HEAP} of heap, so the 150,000 load is cold and has to fit.
 */
final class SearchBench {
    static final String HEAP = "512m";
    private static final String[] WORDS = ("async tokio serde json yaml toml http client server web framework rest api grpc "
            + "proto buffer parser lexer token syntax macro derive proc attribute cli terminal color log tracing metrics "
            + "crypto hash sha aes rsa random rand uuid time date chrono regex string text unicode utf8 path file fs io "
            + "stream future channel sync mutex lock atomic thread pool queue cache lru map set tree graph vec array matrix "
            + "math float decimal big integer number image png jpeg audio video codec compress zip gzip zstd tar archive "
            + "database sql postgres mysql sqlite redis mongo orm query schema migration config env dotenv error anyhow "
            + "result test mock bench fuzz quickcheck property assert embedded no-std arm riscv wasm bindgen ffi sys "
            + "bindings linux windows macos network socket tcp udp dns tls rustls openssl certificate auth oauth jwt "
            + "password session cookie template html css markdown render gui window event input game engine ecs physics "
            + "render shader gpu vulkan opengl wgpu plugin loader allocator memory arena pointer slice buffer bytes bit "
            + "flags enum struct trait generic iterator collection sort search index fuzzy diff patch version semver "
            + "cargo build rustc compiler lint format pretty print debug serialize deserialize encode decode base64 hex")
            .split(" ");
    private static final String[] SUFFIXES = {"", "", "", "", "-rs", "-sys", "-derive", "-macros", "-core", "-utils", "2", "-cli"};

    private SearchBench() {
    }

    /** Parent side: runs the child and reports its rows. */
    static void run(Report report, String javaBin, String classpath) throws Exception {
        report.heading("3. Search");
        report.progress("search: fresh JVM with -Xmx" + HEAP);
        Process p = new ProcessBuilder(javaBin, "-Xmx" + HEAP, "-cp", classpath, SearchBench.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<List<String>> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("ROW\t")) {
                    rows.add(List.of(line.substring(4).split("\t")));
                } else if (line.startsWith("NOTE\t")) {
                    notes.add(line.substring(5));
                } else {
                    System.err.println("[search child] " + line);
                }
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("search child exited with " + p.exitValue());
        }
        report.table(List.of("crates", "queries", "p50 ms", "p99 ms", "max ms", "p99 ≤ 10 ms", "index build from entries ms (the no-snapshot path; the function's cold load is section 3c)",
                "heap retained (≤ 512 MB)"), rows);
        notes.forEach(report::line);
    }

    /** Child side. */
    public static void main(String[] args) throws Exception {
        for (int crates : new int[]{150_000, 10_000, 1_000}) {
            long before = usedHeapAfterGc();
            List<SearchSource.Entry> entries = generate(crates, new Random(crates));
            List<String> names = entries.stream().map(SearchSource.Entry::name).toList();
            OneShotSource source = new OneShotSource(entries);
            entries = null;
            SearchService service = new SearchService(source, Clock.systemUTC(), Duration.ofSeconds(1));
            long t0 = System.nanoTime();
            service.refresh();
            double loadMs = (System.nanoTime() - t0) / 1e6;
            if (service.size() != crates) {
                throw new IllegalStateException("loaded " + service.size() + " of " + crates);
            }
            long retained = usedHeapAfterGc() - before;

            List<Map<String, String>> queries = queries(names, new Random(7));
            int warmup = crates >= 100_000 ? 60 : 1_000;
            int samples = crates >= 100_000 ? 400 : 5_000;
            Stats stats = new Stats();
            long hits = 0;
            for (int i = 0; i < warmup + samples; i++) {
                Map<String, String> q = queries.get(i % queries.size());
                long s = System.nanoTime();
                Map<String, Object> result = service.search(q);
                long t = System.nanoTime() - s;
                if (i >= warmup) {
                    stats.add(t);
                    hits += ((List<?>) result.get("crates")).size();
                }
            }
            System.out.println("ROW\t" + Stats.thousands(crates) + "\t" + Stats.thousands(stats.count()) + "\t"
                    + Stats.ms(stats.p50()) + "\t" + Stats.ms(stats.p99()) + "\t" + Stats.ms(stats.max()) + "\t"
                    + Report.verdict(stats.p99() <= 10) + "\t"
                    + Stats.ms(loadMs) + (crates == 150_000 ? " (first, in a fresh JVM)" : "")
                    + "\t" + Stats.f1(retained / 1048576.0) + " MB" + (crates == 150_000 ? ", " + Report.verdict(retained <= 512L << 20) : ""));
            System.out.flush();
            System.err.println("search " + crates + ": p99 " + Stats.ms(stats.p99()) + " ms, " + hits / stats.count() + " hits/query");
            if (crates == 150_000) {
                System.out.println("NOTE\tThe 150,000 load ran first in a JVM with -Xmx" + HEAP + " (`" + Runtime.getRuntime().maxMemory() / 1048576
                        + " MB` max heap reported by the JVM): it fits. Heap retained = used heap after GC with the index loaded "
                        + "minus before the synthetic entries were generated. Query mix (round robin, `per_page=10`, relevance): "
                        + String.join(", ", queries.stream().limit(16).map(q -> "`" + q.get("q") + "`").toList()) + ".");
            }
            service = null;
            source = null;
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Realistic-looking crates: 1–3 word names, a 6–16 word description, 0–5 keywords, links. */
    static List<SearchSource.Entry> generate(int count, Random random) {
        Set<String> taken = new HashSet<>();
        List<SearchSource.Entry> out = new ArrayList<>(count);
        Instant base = Instant.parse("2020-01-01T00:00:00Z");
        while (out.size() < count) {
            int parts = 1 + random.nextInt(3);
            StringBuilder name = new StringBuilder();
            for (int i = 0; i < parts; i++) {
                if (i > 0) {
                    name.append(random.nextInt(4) == 0 ? '_' : '-');
                }
                name.append(WORDS[random.nextInt(WORDS.length)]);
            }
            name.append(SUFFIXES[random.nextInt(SUFFIXES.length)]);
            if (!taken.add(CrateName.canonical(name.toString()))) {
                name.append(random.nextInt(1000));
                if (!taken.add(CrateName.canonical(name.toString()))) {
                    continue;
                }
            }
            String n = name.toString();
            StringBuilder description = new StringBuilder(random.nextBoolean() ? "A " : "Fast, ");
            int words = 6 + random.nextInt(11);
            for (int i = 0; i < words; i++) {
                description.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            }
            description.append(" library for Rust.");
            List<String> keywords = new ArrayList<>();
            int k = random.nextInt(6);
            for (int i = 0; i < k; i++) {
                keywords.add(WORDS[random.nextInt(WORDS.length)]);
            }
            String version = random.nextInt(3) + "." + random.nextInt(40) + "." + random.nextInt(20);
            CrateSummary summary = new CrateSummary(description.toString(), random.nextInt(3) == 0 ? "https://" + n + ".example.org" : null,
                    "https://docs.example.com/" + n, "https://github.com/example-org/" + n, keywords,
                    List.of("development-tools"), version, version, version, 1 + random.nextInt(60), false);
            Instant created = base.plusSeconds(random.nextInt(150_000_000));
            out.add(new SearchSource.Entry(CrateName.canonical(n), n, summary, created, created.plusSeconds(random.nextInt(10_000_000)), false));
        }
        return out;
    }

    private static List<Map<String, String>> queries(List<String> names, Random random) {
        List<Map<String, String>> q = new ArrayList<>();
        for (String s : new String[]{"serde", "json", "async runtime", "http client", "tokio", "derive macro", "parser",
                "cli", "zzqqxx", "log", "crypto hash", "web framework", "sys", "no-std embedded", "image png", "database orm"}) {
            q.add(Map.of("q", s));
        }
        for (int i = 0; i < 8; i++) {
            String n = names.get(random.nextInt(names.size()));
            q.add(Map.of("q", n));
            q.add(Map.of("q", n.substring(0, Math.max(2, n.length() / 2))));
        }
        return q;
    }

    /** Hands its entries over once (as DynamoDB's answer is garbage after the load), then reports no changes. */
    private static final class OneShotSource implements SearchSource {
        private List<Entry> entries;

        OneShotSource(List<Entry> entries) {
            this.entries = entries;
        }

        @Override
        public List<Entry> loadAll() {
            List<Entry> out = entries;
            entries = null;
            return out;
        }

        @Override
        public List<Entry> changedSince(Instant since) {
            return List.of();
        }
    }
}
