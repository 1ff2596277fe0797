package dev.cargoreg.local;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.cargoreg.aws.AwsClients;
import dev.cargoreg.embedded.EmbeddedBackends;
import dev.cargoreg.testing.AwsRegistryFixture;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Each Lambda jar answers alone, as Lambda runs it. For every Java function of template.yaml: a fresh JVM whose
 * classpath is the function's CodeUri jar (what `mvn package` built and `sam deploy` uploads) plus {@link
 * LambdaJarHarness} alone builds the Handler through its public no-argument constructor, with the environment pointed
 * at DynamoDB Local and the S3 emulator over HTTP and at a CloudFront stub, and answers the sample events of its routes
 * (events/*.json, matched on the route key; events/&lt;name&gt;.json for a function no route targets, e.g.
 * authorizer.json for AuthorizerFunction). Test classpaths are wider than the jars: only this catches a class that a
 * jar does not ship. Each jar's size is reported (the budget is 15 MB; not enforced here).
 */
class LambdaJarsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long JAR_BUDGET = 15_000_000L;
    /** Lambda's own JVM flags (the Java runtime's JAVA_TOOL_OPTIONS defaults). */
    private static final List<String> LAMBDA_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Xshare:auto");

    static Path root;
    static Path work;
    static EmbeddedBackends backends;
    static Server dynamoServer;
    static LocalDynamoDBRequestHandler dynamoRequests;
    static HttpServer cloudfront;
    static AwsRegistryFixture fixture;
    static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        root = Path.of(System.getProperty("project.root", "../..")).toAbsolutePath().normalize();
        work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "lambda-jars");
        backends = EmbeddedBackends.start(work.resolve("backends"), false);
        // The handlers run in other JVMs, so DynamoDB Local must speak HTTP (on loopback only).
        dynamoRequests = new LocalDynamoDBRequestHandler(0, true, null, true, false);
        dynamoServer = new Server();
        ServerConnector connector = new ServerConnector(dynamoServer);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        dynamoServer.addConnector(connector);
        dynamoServer.setHandler(new LocalDynamoDBServerHandler(dynamoRequests, null));
        dynamoServer.start();
        URI dynamoEndpoint = URI.create("http://127.0.0.1:" + connector.getLocalPort());
        cloudfront = cloudFrontStub();

        // users root (admin), alice and bob with their tokens, and a crate that the read routes find
        fixture = new AwsRegistryFixture(AwsClients.dynamo(AwsClients.Settings.emulated(dynamoEndpoint, null)),
                AwsClients.s3(AwsClients.Settings.emulated(null, backends.s3Endpoint())));
        fixture.publish(AwsRegistryFixture.ROOT, "sample-crate", "0.0.1");

        env = new LinkedHashMap<>();
        env.put("REGISTRY_TABLE", fixture.table);
        env.put("REGISTRY_BUCKET", fixture.bucket);
        env.put("REGISTRY_CDN_URL", "http://127.0.0.1:9");
        env.put("REGISTRY_API_URL", "http://127.0.0.1:9");
        env.put("REGISTRY_AUTH_REQUIRED", "false");
        env.put("REGISTRY_DISTRIBUTION_ID", "EJARIT");
        env.put("REGISTRY_MAX_CRATE_BYTES", "4653056");
        env.put("REGISTRY_DYNAMODB_ENDPOINT", dynamoEndpoint.toString());
        env.put("REGISTRY_S3_ENDPOINT", backends.s3Endpoint().toString());
        env.put("AWS_ENDPOINT_URL_CLOUDFRONT", "http://127.0.0.1:" + cloudfront.getAddress().getPort());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
    }

    @AfterAll
    static void stop() throws Exception {
        if (cloudfront != null) {
            cloudfront.stop(0);
        }
        try {
            if (dynamoServer != null) {
                dynamoServer.stop();
            }
        } finally {
            if (dynamoRequests != null) {
                dynamoRequests.shutdown();
            }
            if (backends != null) {
                backends.close();
            }
        }
    }

    @Test
    void everyJarBuildsItsHandlerAndAnswersAlone() throws Exception {
        SamTemplate template = SamTemplate.load();
        Map<String, List<Path>> eventsByRoute = httpEvents();
        Path harness = harnessJar();
        List<String> failures = new ArrayList<>();
        List<String> report = new ArrayList<>();
        int checked = 0;
        for (SamTemplate.Function f : template.functions()) {
            if (!f.isJava()) {
                report.add(String.format("  %-18s not Java (%s): not checked here", f.logicalId(), f.handlerMethod()));
                continue;
            }
            checked++;
            Path jar = root.resolve(f.codeUri());
            if (!Files.isRegularFile(jar)) {
                failures.add(f.logicalId() + ": no jar " + jar + " (mvn package builds it)");
                continue;
            }
            long size = Files.size(jar);
            report.add(String.format("  %-18s %-45s %,12d bytes %s", f.logicalId(), f.codeUri(), size,
                    size <= JAR_BUDGET ? "(within 15 MB)" : "(OVER the 15 MB budget)"));

            List<Path> events = eventsFor(template, f, eventsByRoute);
            if (events.isEmpty()) {
                failures.add(f.logicalId() + ": no sample event (events/*.json of its routes, or events/"
                        + eventName(f) + ".json)");
                continue;
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(LAMBDA_FLAGS);
            cmd.add("-Djava.io.tmpdir=" + work);
            cmd.add("-cp");
            cmd.add(jar + File.pathSeparator + harness);
            cmd.add(LambdaJarHarness.class.getName());
            cmd.add(f.handlerClass());
            cmd.add(f.handlerMethod());
            for (Path e : events) {
                cmd.add(prepare(template, f, e).toString());
            }
            Path log = work.resolve(f.logicalId() + ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            // what Lambda gives the function: the template's literal variables, the backends instead of AWS, nothing else
            pb.environment().clear();
            pb.environment().putAll(env);
            pb.environment().putAll(f.literalEnvironment());
            Process p = pb.start();
            boolean done = p.waitFor(180, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            List<String> lines = Files.readAllLines(log);
            List<String> answers = lines.stream().filter(l -> l.startsWith("ANSWER ")).toList();
            answers.forEach(a -> report.add("      " + shorten(a, 150)));
            List<String> errors = answers.stream().filter(a -> a.split(" ")[2].matches("5\\d\\d")).toList();
            if (!done || p.exitValue() != 0 || answers.size() != events.size() || !errors.isEmpty()) {
                failures.add(f.logicalId() + " (" + f.codeUri() + ", " + f.handlerClass() + "): "
                        + (!done ? "no answer within 180 s" : "exit " + p.exitValue() + ", " + answers.size() + "/" + events.size()
                        + " answered" + (errors.isEmpty() ? "" : ", 5xx: " + errors)) + "\n    " + firstError(lines));
            }
        }
        System.out.println("Lambda jars (each alone in a fresh JVM, handler built as Lambda does, sample events answered):\n"
                + String.join("\n", report));
        assertTrue(checked > 0, "template.yaml names no Java function");
        if (!failures.isEmpty()) {
            fail(failures.size() + " Lambda jar(s) cannot answer alone:\n" + String.join("\n", failures));
        }
    }

    @Test
    void everySampleEventIsARouteOfTheTemplate() throws Exception {
        Set<String> routes = SamTemplate.load().routes().stream().map(SamTemplate.ApiRoute::routeKey).collect(Collectors.toSet());
        Map<String, List<Path>> events = httpEvents();
        for (String key : events.keySet()) {
            assertTrue(routes.contains(key), events.get(key) + " is for " + key + ", which template.yaml does not route");
        }
        assertEquals(routes, events.keySet(), "every route has a sample event in events/");
    }

    /** events/*.json that are HTTP API events, by route key. */
    private static Map<String, List<Path>> httpEvents() throws IOException {
        Map<String, List<Path>> out = new TreeMap<>();
        try (var files = Files.list(root.resolve("events"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode e = JSON.readTree(f.toFile());
                // a function URL's event (route key $default too: the mirror function) belongs to no route
                if (e.path("requestContext").has("http") && e.has("routeKey") && !e.has("type")
                        && !e.path("requestContext").path("domainName").asText().contains(".lambda-url.")) {
                    out.computeIfAbsent(e.get("routeKey").asText(), k -> new ArrayList<>()).add(f);
                }
            }
        }
        return out;
    }

    /** The function's route events, reads first and deletions last; or events/<name>.json for a function without routes. */
    private static List<Path> eventsFor(SamTemplate template, SamTemplate.Function f, Map<String, List<Path>> byRoute) {
        List<SamTemplate.ApiRoute> routes = template.routesOf(f.logicalId());
        if (routes.isEmpty()) {
            Path own = root.resolve("events").resolve(eventName(f) + ".json");
            return Files.isRegularFile(own) ? List.of(own) : List.of();
        }
        List<String> order = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
        return routes.stream()
                .sorted(Comparator.comparingInt(r -> order.indexOf(r.method())))
                .flatMap(r -> byRoute.getOrDefault(r.routeKey(), List.of()).stream())
                .toList();
    }

    /** AuthorizerFunction -> authorizer */
    private static String eventName(SamTemplate.Function f) {
        return f.logicalId().replaceFirst("Function$", "").toLowerCase(Locale.ROOT);
    }

    /**
     * The sample event as API Gateway would deliver it for an admin: the placeholder token replaced by one the table
     * knows, and on an authorized route the authorizer's context for it (the registry is public, so read routes get none).
     */
    private static Path prepare(SamTemplate template, SamTemplate.Function f, Path file) throws IOException {
        JsonNode e = JSON.readTree(file.toFile());
        if (e instanceof ObjectNode event) {
            if (event.path("headers").has("authorization")) {
                ((ObjectNode) event.get("headers")).put("authorization", AwsRegistryFixture.ROOT);
            }
            if (event.has("identitySource")) {
                ArrayNode ids = event.putArray("identitySource");
                ids.add(AwsRegistryFixture.ROOT);
            }
            String routeKey = event.path("routeKey").asText();
            boolean authorized = event.path("requestContext").has("http") && !event.has("type")
                    && template.routes().stream().anyMatch(r -> r.routeKey().equals(routeKey) && r.authorized(false));
            if (authorized) {
                ObjectNode lambda = JSON.createObjectNode();
                lambda.setAll((ObjectNode) JSON.valueToTree(fixture.principal(AwsRegistryFixture.ROOT).toContext()));
                ((ObjectNode) event.get("requestContext")).putObject("authorizer").set("lambda", lambda);
            }
        }
        Path out = work.resolve(f.logicalId() + "-" + file.getFileName());
        JSON.writeValue(out.toFile(), e);
        return out;
    }

    /** LambdaJarHarness's class files alone in a jar: the handler's classes can come from its Lambda jar only. */
    private static Path harnessJar() throws IOException {
        Path jar = work.resolve("harness.jar");
        String prefix = LambdaJarHarness.class.getName().replace('.', '/');
        Path classes;
        try {
            classes = Path.of(LambdaJarHarness.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path dir = classes.resolve(prefix).getParent();
        String simple = LambdaJarHarness.class.getSimpleName();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); var files = Files.list(dir)) {
            for (Path c : files.filter(p -> p.getFileName().toString().equals(simple + ".class")
                    || p.getFileName().toString().startsWith(simple + "$")).toList()) {
                out.putNextEntry(new JarEntry(prefix.substring(0, prefix.lastIndexOf('/') + 1) + c.getFileName()));
                try (InputStream in = Files.newInputStream(c)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    private static String firstError(List<String> lines) {
        return lines.stream().filter(l -> l.contains("Error") || l.contains("Exception")).findFirst()
                .orElse(lines.isEmpty() ? "no output" : shorten(lines.get(lines.size() - 1), 300));
    }

    private static String shorten(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "..." : s;
    }

    /** Answers CreateInvalidation as CloudFront does (201 and the invalidation), so publish and yank run in full. */
    private static HttpServer cloudFrontStub() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + "<Invalidation xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Id>IJARIT</Id>"
                    + "<Status>InProgress</Status><CreateTime>" + Instant.now() + "</CreateTime><InvalidationBatch><Paths>"
                    + "<Quantity>1</Quantity><Items><Path>/index/x</Path></Items></Paths><CallerReference>it</CallerReference>"
                    + "</InvalidationBatch></Invalidation>").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/xml");
            ex.sendResponseHeaders(201, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return server;
    }
}
