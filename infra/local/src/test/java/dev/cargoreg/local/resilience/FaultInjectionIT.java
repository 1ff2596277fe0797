package dev.cargoreg.local.resilience;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cargoreg.core.index.IndexSync;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.wiring.RegistryServices;
import dev.cargoreg.functions.owners.OwnersHandler;
import dev.cargoreg.functions.publish.PublishHandler;
import dev.cargoreg.functions.yank.YankHandler;
import dev.cargoreg.testing.AwsRegistryFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each external call of publish, yank and owner changes fails in turn, before it happens or after it succeeded (a
 * timeout): every request succeeds or fails with cargo's error body, nothing half-published is ever visible, and
 * repeating the request leaves the registry consistent with nothing lost.
 */
class FaultInjectionIT {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Where to fail: a port method, optionally only for keys with a prefix; before the call, or after it succeeded. */
    record Fault(String method, String keyPrefix, boolean afterSuccess) {
        @Override
        public String toString() {
            return method + (keyPrefix == null ? "" : "(" + keyPrefix + "…)") + (afterSuccess ? " times out after succeeding" : " fails");
        }
    }

    static final class Switch {
        volatile Fault fault;
    }

    @SuppressWarnings("unchecked")
    static <T> T faulty(Class<T> port, T real, Switch sw) {
        InvocationHandler h = (proxy, m, args) -> {
            Fault f = sw.fault;
            boolean hit = f != null && f.method().equals(m.getName())
                    && (f.keyPrefix() == null || (args != null && args.length > 0 && args[0] instanceof String k && k.startsWith(f.keyPrefix())));
            if (hit && !f.afterSuccess()) {
                sw.fault = null;
                throw SdkClientException.create("injected: " + f);
            }
            try {
                Object result = m.invoke(real, args);
                if (hit) {
                    sw.fault = null;
                    throw SdkClientException.create("injected timeout after success: " + f);
                }
                return result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, h);
    }

    static Stream<Arguments> faults() {
        List<Arguments> out = new ArrayList<>();
        for (boolean after : new boolean[] {false, true}) {
            out.add(Arguments.of("publish", new Fault("putIfAbsent", "crates/", after)));
            out.add(Arguments.of("publish", new Fault("commitPublish", null, after)));
            out.add(Arguments.of("publish", new Fault("putIfMatch", "index/", after)));
            out.add(Arguments.of("yank", new Fault("commitYank", null, after)));
            out.add(Arguments.of("yank", new Fault("putIfMatch", "index/", after)));
            out.add(Arguments.of("owners", new Fault("commitOwners", null, after)));
            out.add(Arguments.of("owners", new Fault("findUsers", null, after)));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("faults")
    void every_request_succeeds_or_fails_clearly_and_a_retry_makes_it_consistent(String op, Fault fault) throws Exception {
        AwsRegistryFixture fx = new AwsRegistryFixture();
        Switch sw = new Switch();
        MetadataStore store = faulty(MetadataStore.class, fx.store, sw);
        BlobStore blobs = faulty(BlobStore.class, fx.blobs, sw);
        CdnInvalidator cdn = faulty(CdnInvalidator.class, fx.cdn, sw);
        RegistryServices services = RegistryServices.builder().config(fx.config).clock(Clock.systemUTC()).store(store)
                .blobs(blobs).cdn(cdn).searchSource(fx.searchSource).build();
        IndexSync index = services.index();
        PublishHandler publish = new PublishHandler(services.publish());
        YankHandler yank = new YankHandler(services.yank());
        OwnersHandler owners = new OwnersHandler(services.owners());

        String name = "faulty-crate";
        assertEquals(200, publish.handleRequest(publishEvent(fx, name, "1.0.0"), null).getStatusCode(), "baseline");
        String before = fx.indexFile("fa/ul/faulty-crate");

        APIGatewayV2HTTPEvent event = switch (op) {
            case "publish" -> publishEvent(fx, name, "1.1.0");
            case "yank" -> fx.event("yank.json", Map.of("name", name, "version", "1.0.0"), AwsRegistryFixture.ALICE, null);
            default -> fx.event("owners-add.json", Map.of("name", name), AwsRegistryFixture.ALICE, "{\"users\":[\"bob\"]}");
        };
        var handler = switch (op) {
            case "publish" -> publish;
            case "yank" -> yank;
            default -> owners;
        };

        sw.fault = fault;
        APIGatewayV2HTTPResponse first = handler.handleRequest(event, null);
        assertTrue(first.getStatusCode() == 200 || first.getStatusCode() >= 400, "a clear outcome");
        if (first.getStatusCode() >= 400) {
            JsonNode body = JSON.readTree(first.getBody());
            assertTrue(body.get("errors").get(0).get("detail").asText().length() > 10, "cargo's error body: " + first.getBody());
        }
        assertTrue(visibleIsWhole(fx, name), "nothing half-published is visible after: " + fault);

        // the client saw an error (or not) and repeats the command, as cargo users do
        APIGatewayV2HTTPResponse retry = handler.handleRequest(event, null);
        int s = retry.getStatusCode();
        if (op.equals("publish")) {
            assertTrue(s == 200 || (s == 400 && retry.getBody().contains("already uploaded")), "retry: " + s + " " + retry.getBody());
        } else if (op.equals("owners")) {
            assertTrue(s == 200 || (s == 400 && retry.getBody().contains("already an owner")), "retry: " + s + " " + retry.getBody());
        } else {
            assertEquals(200, s, retry.getBody());
        }

        List<String> problems = Consistency.check(fx.store, fx.blobs, List.of(name));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        String after = fx.indexFile("fa/ul/faulty-crate");
        assertTrue(after.contains("\"vers\":\"1.0.0\""), "nothing published was lost");
        switch (op) {
            case "publish" -> assertTrue(after.contains("\"vers\":\"1.1.0\""));
            case "yank" -> assertTrue(after.startsWith(before.split("\n")[0].replace("\"yanked\":false", "\"yanked\":true")));
            default -> assertTrue(fx.store.findCrate("faulty_crate").orElseThrow().owners().contains("bob"));
        }
    }

    /** Every line the index shows has its version in DynamoDB and its tarball, with the line's checksum. */
    static boolean visibleIsWhole(AwsRegistryFixture fx, String name) throws Exception {
        String file = fx.indexFile("fa/ul/" + name);
        if (file == null) {
            return true;
        }
        for (String line : file.split("\n")) {
            JsonNode l = JSON.readTree(line);
            String vers = l.get("vers").asText();
            var tarball = fx.blobs.get("crates/" + name + "/" + name + "-" + vers + ".crate");
            if (tarball.isEmpty() || fx.store.findVersion("faulty_crate", vers).isEmpty()) {
                return false;
            }
            String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tarball.get().body()));
            if (!sum.equals(l.get("cksum").asText())) {
                return false;
            }
        }
        return true;
    }

    static APIGatewayV2HTTPEvent publishEvent(AwsRegistryFixture fx, String name, String version) {
        byte[] body = PublishBodyBuilder.bare(name, version).body();
        APIGatewayV2HTTPEvent e = AwsRegistryFixture.rawEvent("publish.json", null, AwsRegistryFixture.ALICE, null);
        e.setBody(Base64.getEncoder().encodeToString(body));
        e.setIsBase64Encoded(true);
        return fx.authorize(e);
    }
}
