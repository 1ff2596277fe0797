package dev.cargoreg.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexPaths;
import dev.cargoreg.core.port.BlobStore;
import dev.cargoreg.core.publish.PublishEnvelope;
import dev.cargoreg.core.publish.TarballInspector;
import dev.cargoreg.core.testing.FakeRegistry;
import dev.cargoreg.core.testing.PublishBodyBuilder;
import dev.cargoreg.core.testing.TarballBuilder;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.cargoreg.core.fuzz.FuzzSupport.requireClientError;

/**
 * The readme extraction ({@code CrateReadService.readme}) over the in-memory blob store. The input is
 * {@code readme_file \0 name \0 version \0 .crate}: a version is published (with that `readme_file`, under the name and
 * version the tarball's first entry claims), its stored tarball is replaced by the input's, and the readme is asked
 * for with the name and version path parameters. The answer is a readme, nothing, or a 4xx; a 503 ("could not read
 * the tarball") is allowed only for a tarball that publish would have refused, since only those are never stored.
 */
class ReadmeFuzzTest {
    private static final TarballInspector INSPECTOR = new TarballInspector(Limits.defaults());

    static Stream<Arguments> readme() {
        List<byte[]> seeds = new ArrayList<>();
        for (Map.Entry<String, byte[]> c : FuzzSupport.realCrates().entrySet()) {
            String[] nv = FuzzSupport.splitRoot(c.getKey());
            seeds.add(input("README.md", nv[0], nv[1], c.getValue()));
            seeds.add(input("./src/../README.md", nv[0].toUpperCase(), nv[1] + "+x", c.getValue()));
        }
        seeds.add(input("docs\\README.md", "foo", "1.0.0", TarballBuilder.empty()
                .file("foo-1.0.0/Cargo.toml", TarballBuilder.manifest("foo", "1.0.0"))
                .file("foo-1.0.0/docs/README.md", "# docs\n").build()));
        return seeds.stream().map(b -> Arguments.of((Object) b));
    }

    static byte[] input(String readmeFile, String name, String version, byte[] crate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : new String[] {readmeFile, name, version}) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        out.writeBytes(crate);
        return out.toByteArray();
    }

    @MethodSource
    @FuzzTest
    void readme(byte[] data) {
        String[] params = new String[3];
        int pos = 0;
        for (int i = 0; i < 3; i++) {
            int end = indexOf(data, pos);
            if (end < 0) {
                return;
            }
            params[i] = new String(data, pos, end - pos, StandardCharsets.UTF_8);
            pos = end + 1;
        }
        byte[] crate = Arrays.copyOfRange(data, pos, data.length);
        String[] nv = FuzzSupport.nameAndVersion(crate);

        FakeRegistry f = new FakeRegistry().users("alice");
        try {
            f.publisher.publish(f.as("alice"), PublishEnvelope.encode(
                    PublishBodyBuilder.of(nv[0], nv[1]).with("readme_file", params[0]).bytes(), TarballBuilder.valid(nv[0], nv[1])));
        } catch (RegistryException refused) {
            requireClientError(refused);
            return;
        }
        f.blobs.put(IndexPaths.crateKey(nv[0], nv[1]), crate,
                new BlobStore.Attributes("application/gzip", null, null));
        try {
            f.services.crates().readme(params[1], params[2]);
        } catch (RegistryException e) {
            if (e.status() == 503 && !refusedAtPublish(crate, nv)) {
                throw new AssertionError("a tarball publish accepts must not fail its readme: " + e.detail(), e);
            }
            if (e.status() != 503) {
                requireClientError(e);
            }
        }
    }

    private static boolean refusedAtPublish(byte[] crate, String[] nv) {
        try {
            INSPECTOR.inspect(ByteBuffer.wrap(crate), nv[0], nv[1]);
            return false;
        } catch (RegistryException e) {
            return true;
        }
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
