package dev.cargoreg.core.fuzz;

import dev.cargoreg.core.publish.PublishEnvelope;
import dev.cargoreg.core.testing.FakeRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The seed corpus reaches the end of the code it seeds: each real crate publishes, and its readme is served. */
class SeedCorpusTest {
    @Test
    void every_real_crate_publishes_as_cargo_would_send_it_and_serves_its_readme() {
        for (Map.Entry<String, byte[]> c : FuzzSupport.realCrates().entrySet()) {
            String[] nv = FuzzSupport.splitRoot(c.getKey());
            assertEquals(c.getKey(), String.join("-", FuzzSupport.nameAndVersion(c.getValue())));
            FakeRegistry f = new FakeRegistry().users("alice");
            f.publisher.publish(f.as("alice"), PublishEnvelope.encode(FuzzSupport.metadataFor(c.getValue()), c.getValue()));
            assertEquals(List.of(nv[1]), f.indexVersions(nv[0]), c.getKey());
            Optional<String> readme = f.services.crates().readme(nv[0], nv[1]);
            // cargo names a readme only when the manifest does or a README.md, README.txt or README exists
            boolean named = FuzzSupport.manifestOf(c.getValue()).path("package").hasNonNull("readme");
            assertEquals(named, readme.isPresent() && !readme.get().isEmpty(), c.getKey() + " serves its readme");
        }
    }
}
