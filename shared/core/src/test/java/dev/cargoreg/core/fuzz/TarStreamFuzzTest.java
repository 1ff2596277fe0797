package dev.cargoreg.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The tarball inspector below gzip: the input is the uncompressed tar, which the harness compresses, so mutations
 * reach tar headers, pax and GNU long-name records, paths and Cargo.toml instead of dying in gzip's CRC. When the
 * first byte is odd the harness also writes correct header checksums, so mutated headers get past that check.
 * Seeds: the real crates' tars (their entries of at most 4 KiB, block for block).
 */
class TarStreamFuzzTest {
    static Stream<Arguments> tar() {
        return FuzzSupport.realCrates().values().stream()
                .map(c -> FuzzSupport.smallEntries(FuzzSupport.gunzip(c), 4096))
                .flatMap(t -> Stream.of(prefixed((byte) 0, t), prefixed((byte) 1, t)))
                .map(t -> Arguments.of((Object) t));
    }

    private static byte[] prefixed(byte flag, byte[] tar) {
        byte[] out = new byte[tar.length + 1];
        out[0] = flag;
        System.arraycopy(tar, 0, out, 1, tar.length);
        return out;
    }

    @MethodSource
    @FuzzTest
    void tar(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] tar = Arrays.copyOfRange(data, 1, data.length);
        if ((data[0] & 1) != 0) {
            tar = FuzzSupport.withTarChecksums(tar);
        }
        TarballFuzzTest.inspect(FuzzSupport.gzip(tar));
    }
}
