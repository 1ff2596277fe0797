package dev.cargoreg.local.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.aws.internal.DynamoMetadataStore;
import dev.cargoreg.aws.internal.S3BlobStore;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;
import dev.cargoreg.embedded.EmbeddedBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Crash consistency (issue 10): the runner jar is killed with SIGKILL at random moments while several clients stream
 * publishes, yanks and unyanks, owner changes, token creations and revocations (and, with {@code -Dcrash.removals=true},
 * admin removals) at it over HTTP. It is restarted on the same data directory, and each cycle checks:
 * <ol>
 *   <li>before any repair: every index line has a tarball that downloads with the line's {@code cksum}; crates no
 *       interrupted request touched already show exactly what was acknowledged (an acknowledged write survives
 *       SIGKILL);</li>
 *   <li>each interrupted request, re-run as its client would, answers 200 or its documented idempotent refusal
 *       ("already uploaded", "already an owner", "is not an owner", 404 for a removal);</li>
 *   <li>after that, for every crate: the API's versions equal the index file's lines (each once, same yanked flag,
 *       same checksum), every tarball downloads with its line's {@code cksum}, owners and tokens are what the clients
 *       were told; and every {@code crash.exactEvery} cycles (and at the end) the runner is stopped and the data
 *       directory opened through the production adapters: each index file equals {@code IndexLines.render} of the
 *       stored versions ({@link Consistency#check}).</li>
 * </ol>
 * Each client thread acts as its own user on its own crates, so what it was told is exactly what must be there.
 * The seed fixes every client's sequence and every kill delay (the interleaving is up to the scheduler); a failure
 * prints the seed, the cycle, the requests of that cycle with their answers, and the invariant. System properties:
 * {@code crash.seed}, {@code crash.cycles}, {@code crash.threads}, {@code crash.removals}, {@code crash.exactEvery},
 * {@code crash.jvmArgs} (the child runner's JVM options; C1 only by default, which halves its start).
 */
class CrashConsistencyIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long SEED = Long.getLong("crash.seed", 10L);
    static final int CYCLES = Integer.getInteger("crash.cycles", 10);
    static final int THREADS = Integer.getInteger("crash.threads", 4);
    static final boolean REMOVALS = Boolean.getBoolean("crash.removals");
    static final int EXACT_EVERY = Integer.getInteger("crash.exactEvery", 5);
    static final String JVM_ARGS = System.getProperty("crash.jvmArgs", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m");
    static final int CRATES_PER_THREAD = 3;
    static final String ADMIN = "cargoreg_" + ("CrashAdminToken" + "0".repeat(43)).substring(0, 43);
    static final String TABLE = "cargo-registry";
    static final String BUCKET = "cargo-registry";

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    volatile String api;

    // ---------------------------------------------------------------- the clients' model of what they were told

    static final class CrateModel {
        final String name;
        /** version → yanked, in publish order. */
        final LinkedHashMap<String, Boolean> versions = new LinkedHashMap<>();
        int next;
        boolean bobOwner;

        CrateModel(String name) {
            this.name = name;
        }
    }

    enum Kind { PUBLISH, YANK, UNYANK, OWNER_ADD, OWNER_REMOVE, TOKEN_CREATE, TOKEN_REVOKE, REMOVE_VERSION, REMOVE_CRATE }

    record Op(Kind kind, String crate, String version, long tokenId, byte[] body) {
        @Override
        public String toString() {
            return kind + (crate == null ? "" : " " + crate) + (version == null ? "" : "@" + version)
                    + (tokenId == 0 ? "" : " token#" + tokenId);
        }
    }

    /** The index files' Cache-Control max-age (RegistryConfig's cache policy), the bound on what a CDN copy lags. */
    static final long INDEX_MAX_AGE_MS = 1_000;

    record Answer(int status, String body) {
    }

    final class Client {
        final int id;
        final String login;
        String token;
        long firstTokenId;
        final List<CrateModel> crates = new ArrayList<>();
        /** live tokens this client created: id → secret. */
        final TreeMap<Long, String> live = new TreeMap<>();
        /** the last few tokens this client revoked: id → secret. */
        final TreeMap<Long, String> revoked = new TreeMap<>();
        /** tokens revoked in the cycle that ended in SIGKILL: a lost acknowledged revocation is reported as such. */
        final Set<Long> revokedThisCycle = new TreeSet<>();
        /** token creations whose answer was lost: each may have left one token nobody was told about. */
        int orphanAllowance;
        Random random;
        Op interrupted;

        Client(int id) {
            this.id = id;
            this.login = "crash-user-" + id;
            for (int c = 0; c < CRATES_PER_THREAD; c++) {
                crates.add(new CrateModel("crash-t" + id + "-c" + c));
            }
        }

        Op next() {
            List<CrateModel> withVersions = crates.stream().filter(c -> !c.versions.isEmpty()).toList();
            double r = random.nextDouble();
            if (withVersions.isEmpty() || r < 0.40) {
                CrateModel c = crates.get(random.nextInt(crates.size()));
                int n = c.next;
                String version = "1." + n + ".0" + (random.nextInt(10) == 0 ? "+b" + n : "");
                return new Op(Kind.PUBLISH, c.name, version, 0, publishBody(c.name, version));
            }
            CrateModel c = withVersions.get(random.nextInt(withVersions.size()));
            List<String> vs = new ArrayList<>(c.versions.keySet());
            String v = vs.get(random.nextInt(vs.size()));
            if (r < 0.65) {
                return new Op(c.versions.get(v) ? Kind.UNYANK : Kind.YANK, c.name, v, 0, null);
            }
            if (r < 0.77) {
                return new Op(c.bobOwner ? Kind.OWNER_REMOVE : Kind.OWNER_ADD, c.name, null, 0, null);
            }
            if (r < 0.92 || !REMOVALS) {
                if (live.size() < 3 || random.nextBoolean()) {
                    return new Op(Kind.TOKEN_CREATE, null, null, 0, null);
                }
                List<Long> ids = new ArrayList<>(live.keySet());
                return new Op(Kind.TOKEN_REVOKE, null, null, ids.get(random.nextInt(ids.size())), null);
            }
            return r < 0.97 ? new Op(Kind.REMOVE_VERSION, c.name, v, 0, null) : new Op(Kind.REMOVE_CRATE, c.name, null, 0, null);
        }

        Answer send(Op op) throws IOException, InterruptedException {
            String base = api + "/api/v1/crates/" + op.crate();
            return switch (op.kind()) {
                case PUBLISH -> call("PUT", api + "/api/v1/crates/new", token, op.body());
                case YANK -> call("DELETE", base + "/" + op.version() + "/yank", token, null);
                case UNYANK -> call("PUT", base + "/" + op.version() + "/unyank", token, null);
                case OWNER_ADD -> call("PUT", base + "/owners", token, "{\"users\":[\"bob\"]}".getBytes(StandardCharsets.UTF_8));
                case OWNER_REMOVE -> call("DELETE", base + "/owners", token, "{\"users\":[\"bob\"]}".getBytes(StandardCharsets.UTF_8));
                case TOKEN_CREATE -> call("PUT", api + "/api/v1/me/tokens", token,
                        "{\"api_token\":{\"name\":\"crash\"}}".getBytes(StandardCharsets.UTF_8));
                case TOKEN_REVOKE -> call("DELETE", api + "/api/v1/me/tokens/" + op.tokenId(), token, null);
                case REMOVE_VERSION -> call("DELETE", base + "/" + op.version(), ADMIN, null);
                case REMOVE_CRATE -> call("DELETE", base, ADMIN, null);
            };
        }

        /** Whether an answer is acceptable: the first time only success; for a re-run, also the idempotent refusals. */
        boolean acceptable(Op op, Answer a, boolean rerun) {
            if (a.status() == 200) {
                return true;
            }
            if (!rerun) {
                return false;
            }
            return switch (op.kind()) {
                case PUBLISH -> a.status() == 400 && a.body().contains("already uploaded");
                case OWNER_ADD -> a.status() == 400 && a.body().contains("already an owner");
                case OWNER_REMOVE -> a.status() == 400 && a.body().contains("is not an owner");
                case REMOVE_VERSION, REMOVE_CRATE -> a.status() == 404;
                default -> false;
            };
        }

        /** What the client now knows, once the request succeeded (or converged when re-run). */
        void apply(Op op, Answer a) throws IOException {
            CrateModel c = op.crate() == null ? null : crates.stream().filter(x -> x.name.equals(op.crate())).findFirst().orElseThrow();
            switch (op.kind()) {
                case PUBLISH -> {
                    c.versions.put(op.version(), false);
                    c.next++;
                }
                case YANK -> c.versions.put(op.version(), true);
                case UNYANK -> c.versions.put(op.version(), false);
                case OWNER_ADD -> c.bobOwner = true;
                case OWNER_REMOVE -> c.bobOwner = false;
                case TOKEN_CREATE -> {
                    JsonNode t = JSON.readTree(a.body()).get("api_token");
                    live.put(t.get("id").asLong(), t.get("token").asText());
                }
                case TOKEN_REVOKE -> {
                    String secret = live.remove(op.tokenId());
                    if (secret != null) {
                        revoked.put(op.tokenId(), secret);
                        revokedThisCycle.add(op.tokenId());
                        if (revoked.size() > 4) {
                            revoked.pollFirstEntry();
                        }
                    }
                }
                case REMOVE_VERSION -> {
                    c.versions.remove(op.version());
                    if (c.versions.isEmpty()) {
                        c.bobOwner = false;
                    }
                }
                case REMOVE_CRATE -> {
                    c.versions.clear();
                    c.bobOwner = false;
                }
            }
        }
    }

    // ---------------------------------------------------------------- HTTP

    Answer call(String method, String url, String token, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    byte[] download(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return r.statusCode() == 200 ? r.body() : null;
    }

    static byte[] publishBody(String name, String version) {
        return PublishBodyBuilder.bare(name, version).with("description", "crash test").with("license", "MIT")
                .body(TarballBuilder.valid(name, version));
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    // ---------------------------------------------------------------- the test

    @Test
    void sigkill_at_random_moments_then_restart_and_rerun_leaves_every_invariant_true(@TempDir Path tmp) throws Exception {
        Path dataDir = tmp.resolve("data");
        Path runnerLog = Path.of(System.getProperty("crash.runnerLog", "target/crash-runner.log")).toAbsolutePath();
        Files.deleteIfExists(runnerLog);
        Path report = Path.of(System.getProperty("crash.report", "target/crash-consistency.log"));
        Files.createDirectories(report.toAbsolutePath().getParent());
        Random master = new Random(SEED);
        List<Client> clients = new ArrayList<>();
        long totalOps = 0;
        long totalInterrupted = 0;
        long startMillis = 0;
        long exactChecks = 0;
        long t0 = System.nanoTime();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(report, StandardCharsets.UTF_8), true)) {
            out.printf("seed=%d cycles=%d threads=%d removals=%s exactEvery=%d jvmArgs=%s%n", SEED, CYCLES, THREADS, REMOVALS,
                    EXACT_EVERY, JVM_ARGS);
            CrashRunner runner = CrashRunner.start(dataDir, runnerLog, JVM_ARGS, ADMIN);
            startMillis += runner.startMillis;
            api = runner.api;
            ensureUser("bob");
            for (int i = 0; i < THREADS; i++) {
                Client c = new Client(i);
                c.token = ensureUser(c.login);
                JsonNode list = JSON.readTree(call("GET", api + "/api/v1/me/tokens", c.token, null).body()).get("api_tokens");
                c.firstTokenId = list.get(0).get("id").asLong();
                clients.add(c);
            }
            try {
                for (int cycle = 1; cycle <= CYCLES; cycle++) {
                    long killAfter = 150 + master.nextInt(1850);
                    List<String> log = Collections.synchronizedList(new ArrayList<>());
                    for (Client c : clients) {
                        c.random = new Random(SEED * 1_000_003L + cycle * 131L + c.id);
                        c.interrupted = null;
                        c.revokedThisCycle.clear();
                    }
                    // 1. stream requests; SIGKILL the runner after killAfter ms
                    AtomicBoolean stop = new AtomicBoolean();
                    List<String> errors = Collections.synchronizedList(new ArrayList<>());
                    long[] opsDone = new long[THREADS];
                    List<Thread> threads = new ArrayList<>();
                    long cycleStart = System.nanoTime();
                    for (Client c : clients) {
                        Thread t = new Thread(() -> {
                            while (!stop.get()) {
                                Op op = c.next();
                                Answer a;
                                try {
                                    a = c.send(op);
                                } catch (IOException e) {
                                    c.interrupted = op;
                                    log.add(ms(cycleStart) + " t" + c.id + " " + op + " -> interrupted (" + e.getClass().getSimpleName() + ")");
                                    return;
                                } catch (InterruptedException e) {
                                    return;
                                }
                                log.add(ms(cycleStart) + " t" + c.id + " " + op + " -> " + a.status());
                                if (!c.acceptable(op, a, false)) {
                                    errors.add("t" + c.id + " " + op + " answered " + a.status() + " " + a.body());
                                    return;
                                }
                                try {
                                    c.apply(op, a);
                                } catch (IOException e) {
                                    errors.add("t" + c.id + " " + op + ": unreadable answer " + a.body());
                                    return;
                                }
                                opsDone[c.id]++;
                            }
                        }, "crash-client-" + c.id);
                        threads.add(t);
                        t.start();
                    }
                    Thread.sleep(killAfter);
                    log.add(ms(cycleStart) + " SIGKILL");
                    runner.kill();
                    stop.set(true);
                    for (Thread t : threads) {
                        t.join(120_000);
                    }
                    long cycleOps = 0;
                    for (long n : opsDone) {
                        cycleOps += n;
                    }
                    totalOps += cycleOps;
                    List<Op> interrupted = clients.stream().map(c -> c.interrupted).filter(o -> o != null).toList();
                    totalInterrupted += interrupted.size();
                    Failure failure = new Failure(cycle, killAfter, log, out);
                    failure.check("no request failed before the kill", errors);

                    // 2. restart on the same data directory
                    long streamMs = (System.nanoTime() - cycleStart) / 1_000_000;
                    runner = CrashRunner.start(dataDir, runnerLog, JVM_ARGS, ADMIN);
                    long restartMs = runner.startMillis;
                    long checks0 = System.nanoTime();
                    startMillis += runner.startMillis;
                    api = runner.api;

                    // 3. before repair: nothing half-done is visible; untouched crates show exactly what was acknowledged
                    List<String> problems = new ArrayList<>();
                    for (Client c : clients) {
                        for (CrateModel m : c.crates) {
                            boolean touched = c.interrupted != null && m.name.equals(c.interrupted.crate());
                            checkCrate(c, m, touched, problems);
                        }
                    }
                    failure.check("before repair: visible lines whole, acknowledged writes durable", problems);

                    // 4. re-run each interrupted request, as its client would
                    for (Client c : clients) {
                        if (c.interrupted == null) {
                            continue;
                        }
                        Op op = c.interrupted;
                        Answer a = c.send(op);
                        log.add("rerun t" + c.id + " " + op + " -> " + a.status() + " " + a.body());
                        if (!c.acceptable(op, a, true)) {
                            failure.check("re-running an interrupted request converges",
                                    List.of("t" + c.id + " " + op + " answered " + a.status() + " " + a.body()));
                        }
                        if (a.status() == 200) {
                            c.apply(op, a);
                        } else {
                            c.apply(op, new Answer(200, "{}"));
                        }
                        if (op.kind() == Kind.TOKEN_CREATE) {
                            c.orphanAllowance++;
                        }
                    }

                    // 5. after repair: every invariant, exactly, as a client sees it once the CDN's copies from step 3 are past
                    // their max-age (index files say max-age=1 and nothing invalidates them: the documented bound)
                    Thread.sleep(INDEX_MAX_AGE_MS + 100);
                    problems.clear();
                    for (Client c : clients) {
                        for (CrateModel m : c.crates) {
                            checkCrate(c, m, false, problems);
                        }
                        checkTokens(c, problems);
                    }
                    failure.check("after repair: index = API = what clients were told; tarballs; owners; tokens", problems);
                    long checksMs = (System.nanoTime() - checks0) / 1_000_000;
                    long exactMs = 0;
                    if (cycle % EXACT_EVERY == 0 || cycle == CYCLES) {
                        long e0 = System.nanoTime();
                        runner.stop();
                        failure.check("after repair: each index file equals IndexLines.render of DynamoDB (production adapters)",
                                exactCheck(dataDir, clients));
                        exactChecks++;
                        runner = CrashRunner.start(dataDir, runnerLog, JVM_ARGS, ADMIN);
                        startMillis += runner.startMillis;
                        api = runner.api;
                        exactMs = (System.nanoTime() - e0) / 1_000_000;
                    }
                    out.printf("cycle %d: kill after %d ms, %d requests acknowledged, interrupted: %s; stream %d ms, restart %d ms,"
                                    + " repair and checks %d ms, exact check %d ms%n", cycle, killAfter, cycleOps, interrupted,
                            streamMs, restartMs, checksMs, exactMs);
                }
            } finally {
                if (runner.process.isAlive()) {
                    runner.stop();
                }
            }
            long total = (System.nanoTime() - t0) / 1_000_000;
            int starts = CYCLES + 1 + (int) exactChecks;
            out.printf("done: %d cycles, %d requests acknowledged, %d interrupted and re-run, %d exact checks; %d ms in all,"
                            + " %d ms per cycle, runner start %d ms on average%n", CYCLES, totalOps, totalInterrupted, exactChecks,
                    total, total / CYCLES, startMillis / starts);
            System.out.printf("CrashConsistencyIT: seed %d, %d cycles, %d requests acknowledged, %d interrupted and re-run, %d ms per"
                    + " cycle (runner start %d ms on average); report in %s%n", SEED, CYCLES, totalOps, totalInterrupted,
                    total / CYCLES, startMillis / starts, report.toAbsolutePath());
            assertTrue(totalOps > CYCLES, "requests really streamed: " + totalOps);
        }
    }

    static String ms(long since) {
        return String.format("%5d ms", (System.nanoTime() - since) / 1_000_000);
    }

    /** Records a failing invariant with everything needed to reproduce it, then fails. */
    record Failure(int cycle, long killAfter, List<String> log, PrintWriter out) {
        void check(String invariant, List<String> problems) {
            if (problems.isEmpty()) {
                return;
            }
            StringBuilder sb = new StringBuilder();
            sb.append("invariant failed: ").append(invariant).append('\n')
                    .append("seed ").append(SEED).append(", cycle ").append(cycle).append(", SIGKILL after ").append(killAfter)
                    .append(" ms, removals ").append(REMOVALS).append('\n');
            problems.forEach(p -> sb.append("  problem: ").append(p).append('\n'));
            sb.append("requests of this cycle:\n");
            synchronized (log) {
                log.forEach(l -> sb.append("  ").append(l).append('\n'));
            }
            out.println(sb);
            fail(sb.toString());
        }
    }

    String ensureUser(String login) throws Exception {
        Answer a = call("PUT", api + "/api/v1/admin/users", ADMIN,
                ("{\"login\":\"" + login + "\",\"name\":\"" + login + "\"}").getBytes(StandardCharsets.UTF_8));
        assertTrue(a.status() == 200, "create user " + login + ": " + a.status() + " " + a.body());
        return JSON.readTree(a.body()).get("api_token").get("token").asText();
    }

    /**
     * One crate over HTTP. Always: every index line appears once and has a tarball that downloads with its cksum.
     * Unless {@code touched} (an interrupted request named it and has not been re-run): the API's versions equal the
     * index's lines and what the client was told, with the same yanked flags and checksums, and the owners match.
     */
    void checkCrate(Client c, CrateModel m, boolean touched, List<String> problems) throws Exception {
        String name = m.name;
        Answer idx = call("GET", api + "/index/" + IndexPaths.pathOf(name), null, null);
        Map<String, JsonNode> lines = new LinkedHashMap<>();
        if (idx.status() == 200) {
            for (String line : idx.body().split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                JsonNode l = JSON.readTree(line);
                String vers = l.get("vers").asText();
                if (lines.put(vers, l) != null) {
                    problems.add(name + "@" + vers + ": appears twice in the index");
                }
                byte[] tarball = download(api + "/crates/" + name + "/" + name + "-" + vers + ".crate");
                if (tarball == null) {
                    problems.add(name + "@" + vers + ": index line without a downloadable tarball");
                } else if (!sha256(tarball).equals(l.get("cksum").asText())) {
                    problems.add(name + "@" + vers + ": tarball's SHA-256 differs from the line's cksum");
                }
            }
            if (!idx.body().isEmpty() && !idx.body().endsWith("\n")) {
                problems.add(name + ": index file does not end with a newline");
            }
        } else if (idx.status() != 404) {
            problems.add(name + ": index answered " + idx.status());
        }
        if (touched) {
            return;
        }
        Answer vs = call("GET", api + "/api/v1/crates/" + name + "/versions", null, null);
        Map<String, JsonNode> apiVersions = new TreeMap<>();
        if (vs.status() == 200) {
            for (JsonNode v : JSON.readTree(vs.body()).get("versions")) {
                apiVersions.put(v.get("num").asText(), v);
            }
        } else if (vs.status() != 404) {
            problems.add(name + ": versions answered " + vs.status());
        }
        if (m.versions.isEmpty() && (vs.status() != 404 || idx.status() != 404)) {
            problems.add(name + ": should not exist, API answers " + vs.status() + ", index " + idx.status());
        }
        if (!new TreeSet<>(apiVersions.keySet()).equals(new TreeSet<>(lines.keySet()))) {
            problems.add(name + ": API lists " + apiVersions.keySet() + " but the index has " + lines.keySet());
        }
        if (!new TreeSet<>(m.versions.keySet()).equals(new TreeSet<>(apiVersions.keySet()))) {
            problems.add(name + ": acknowledged " + m.versions.keySet() + " but the API lists " + apiVersions.keySet());
        }
        List<String> order = new ArrayList<>(lines.keySet());
        List<String> expectedOrder = new ArrayList<>(m.versions.keySet());
        if (new TreeSet<>(order).equals(new TreeSet<>(expectedOrder)) && !order.equals(expectedOrder)) {
            problems.add(name + ": index lines in order " + order + ", published in order " + expectedOrder);
        }
        for (var e : m.versions.entrySet()) {
            JsonNode line = lines.get(e.getKey());
            JsonNode v = apiVersions.get(e.getKey());
            if (line != null && line.get("yanked").asBoolean() != e.getValue()) {
                problems.add(name + "@" + e.getKey() + ": index says yanked=" + line.get("yanked") + ", acknowledged " + e.getValue());
            }
            if (v != null && v.get("yanked").asBoolean() != e.getValue()) {
                problems.add(name + "@" + e.getKey() + ": API says yanked=" + v.get("yanked") + ", acknowledged " + e.getValue());
            }
            if (line != null && v != null && !v.get("checksum").asText().equals(line.get("cksum").asText())) {
                problems.add(name + "@" + e.getKey() + ": API checksum differs from the index line's");
            }
        }
        if (!m.versions.isEmpty()) {
            Answer o = call("GET", api + "/api/v1/crates/" + name + "/owners", null, null);
            Set<String> owners = new TreeSet<>();
            if (o.status() == 200) {
                for (JsonNode u : JSON.readTree(o.body()).get("users")) {
                    owners.add(u.get("login").asText());
                }
            }
            Set<String> expected = new TreeSet<>(m.bobOwner ? List.of(c.login, "bob") : List.of(c.login));
            if (!owners.equals(expected)) {
                problems.add(name + ": owners " + owners + " (" + o.status() + "), acknowledged " + expected);
            }
        }
    }

    /** Live tokens listed and working, revoked ones refused, and no more unknown tokens than lost creations. */
    void checkTokens(Client c, List<String> problems) throws Exception {
        Answer list = call("GET", api + "/api/v1/me/tokens", c.token, null);
        if (list.status() != 200) {
            problems.add(c.login + ": token list answered " + list.status() + " " + list.body());
            return;
        }
        Set<Long> listed = new TreeSet<>();
        for (JsonNode t : JSON.readTree(list.body()).get("api_tokens")) {
            listed.add(t.get("id").asLong());
        }
        Set<Long> known = new TreeSet<>(c.live.keySet());
        known.add(c.firstTokenId);
        if (!listed.containsAll(known)) {
            problems.add(c.login + ": live tokens " + known + " but listed " + listed);
        }
        Set<Long> unknown = new TreeSet<>(listed);
        unknown.removeAll(known);
        for (Long id : c.revokedThisCycle) {
            if (unknown.remove(id)) {
                problems.add(c.login + ": acknowledged revocation of token#" + id + " lost: still listed");
            }
        }
        if (unknown.size() > c.orphanAllowance) {
            problems.add(c.login + ": unknown live tokens " + unknown + ", only " + c.orphanAllowance + " creations were lost");
        }
        for (String secret : c.live.values()) {
            int s = call("GET", api + "/api/v1/me", secret, null).status();
            if (s != 200) {
                problems.add(c.login + ": a live token answers " + s);
            }
        }
        for (Map.Entry<Long, String> r : c.revoked.entrySet()) {
            int s = call("GET", api + "/api/v1/me", r.getValue(), null).status();
            if (s != 403) {
                problems.add(c.revokedThisCycle.contains(r.getKey()) && s == 200
                        ? c.login + ": acknowledged revocation of token#" + r.getKey() + " lost: it still answers 200"
                        : c.login + ": a revoked token answers " + s);
            }
        }
    }

    /** The runner is stopped: open its data directory through the production adapters and compare with DynamoDB. */
    static List<String> exactCheck(Path dataDir, List<Client> clients) throws Exception {
        try (EmbeddedBackends backends = EmbeddedBackends.start(dataDir, true);
             S3Client s3 = AwsClients.s3(AwsClients.Settings.emulated(null, backends.s3Endpoint()))) {
            var store = new DynamoMetadataStore(backends.dynamo(), TABLE);
            var blobs = new S3BlobStore(s3, BUCKET);
            List<String> names = new ArrayList<>();
            clients.forEach(c -> c.crates.forEach(m -> names.add(m.name)));
            List<String> problems = new ArrayList<>(Consistency.check(store, blobs, names));
            for (Client c : clients) {
                for (CrateModel m : c.crates) {
                    var stored = store.listVersions(CrateName.canonical(m.name));
                    Set<String> versions = new TreeSet<>();
                    stored.forEach(v -> versions.add(v.version()));
                    if (!versions.equals(new TreeSet<>(m.versions.keySet()))) {
                        problems.add(m.name + ": DynamoDB holds " + versions + ", acknowledged " + m.versions.keySet());
                    }
                }
            }
            return problems;
        }
    }
}
