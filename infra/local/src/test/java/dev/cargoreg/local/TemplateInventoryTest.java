package dev.cargoreg.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cargoreg.aws.lambda.HttpFunction;
import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.port.CdnInvalidator;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.SearchSource;
import dev.cargoreg.core.wiring.RegistryServices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * template.yaml is the one inventory of functions and routes. The local runner follows it; these tests fail when a
 * handler and the template disagree about which routes it answers, or when a sample event names a route that the
 * template does not have.
 */
class TemplateInventoryTest {
    private static final SamTemplate TEMPLATE = SamTemplate.load();

    /** Handlers built the runner's way, over ports that are never called (nothing here sends a request). */
    private static HandlerFactory handlers() {
        RegistryConfig config = RegistryConfig.builder("t", "b", "http://127.0.0.1:1", "http://127.0.0.1:1").build();
        return new HandlerFactory(RegistryServices.builder().config(config).clock(Clock.systemUTC())
                .store(unused(MetadataStore.class)).blobs(unused(BlobStore.class)).cdn(unused(CdnInvalidator.class))
                .searchSource(unused(SearchSource.class)).build());
    }

    private static <T> T unused(Class<T> port) {
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[]{port}, (p, m, a) -> {
            throw new AssertionError("building a handler must not call " + port.getSimpleName() + "." + m.getName());
        }));
    }

    @Test
    void every_function_answers_exactly_the_routes_the_template_gives_it() {
        HandlerFactory factory = handlers();
        for (SamTemplate.Function fn : TEMPLATE.apiFunctions()) {
            if (TEMPLATE.routesOf(fn.logicalId()).isEmpty()) {
                continue; // the authorizer: no route targets it
            }
            HttpFunction handler = (HttpFunction) factory.build(fn.handlerClass());
            Set<String> inTemplate = new TreeSet<>();
            TEMPLATE.routesOf(fn.logicalId()).forEach(r -> inTemplate.add(r.routeKey()));
            assertEquals(inTemplate, new TreeSet<>(handler.routeKeys()), fn.logicalId() + " (" + fn.handlerClass() + ")");
        }
    }

    @Test
    void the_runner_serves_every_template_route_with_the_authorization_the_template_sets() {
        HandlerFactory factory = handlers();
        for (boolean privateRegistry : new boolean[]{false, true}) {
            Map<String, Boolean> served = new HashMap<>();
            LocalRegistry.routes(TEMPLATE, factory, privateRegistry).forEach(r -> served.put(r.routeKey(), r.authorized()));
            Map<String, Boolean> declared = new HashMap<>();
            TEMPLATE.routes().forEach(r -> declared.put(r.routeKey(), r.authorized(privateRegistry)));
            assertEquals(declared, served, privateRegistry ? "private registry" : "public registry");
        }
    }

    @Test
    void the_authorizer_the_template_names_builds_from_the_composition_root() {
        String authorizer = TEMPLATE.authorizer().orElseThrow().handlerClass();
        assertTrue(handlers().build(authorizer) instanceof RequestStreamHandler);
    }

    @Test
    void every_sample_event_names_a_template_route() throws IOException {
        Set<String> routes = new TreeSet<>();
        TEMPLATE.routes().forEach(r -> routes.add(r.routeKey()));
        ObjectMapper json = new ObjectMapper();
        int checked = 0;
        try (DirectoryStream<Path> events = Files.newDirectoryStream(Path.of("../../events"), "*.json")) {
            for (Path e : events) {
                JsonNode event = json.readTree(e.toFile());
                JsonNode routeKey = event.get("routeKey");
                // a function URL's event (events/mirror.json, route key $default too), which no API route serves
                boolean functionUrl = event.path("requestContext").path("domainName").asText().contains(".lambda-url.");
                if (routeKey != null && !functionUrl) {
                    assertTrue(routes.contains(routeKey.asText()), e.getFileName() + ": " + routeKey.asText());
                    checked++;
                }
            }
        }
        assertTrue(checked >= routes.size(), "a sample event for every route: " + checked + " of " + routes.size());
    }
}
