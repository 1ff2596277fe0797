package dev.cargoreg.local.e2e;

import dev.cargoreg.local.MirrorPrefetch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The prefetch command's steps, as its main runs them. */
final class MirrorPrefetchAccess {
    private MirrorPrefetchAccess() {
    }

    static List<MirrorPrefetch.Outcome> run(String mirror, Path lockfile, String... specs) throws IOException, InterruptedException {
        List<MirrorPrefetch.Outcome> outcomes = MirrorPrefetch.run(mirror, null, MirrorPrefetch.packages(List.of(lockfile), List.of(specs)));
        MirrorPrefetch.report(outcomes, System.out);
        return outcomes;
    }
}
