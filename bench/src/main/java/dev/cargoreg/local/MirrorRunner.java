package dev.cargoreg.local;

import dev.cargoreg.core.mirror.MirrorConfig;

import java.nio.file.Path;

/**
 * Starts the local runner in-process with a mirror, for the bench's mirror section: the bench lives in this package only
 * to reach {@link Options} (package-private on purpose), so the runner measured is the real one.
 */
public final class MirrorRunner {
    private MirrorRunner() {
    }

    public static LocalRegistry start(Path dataDir, MirrorConfig mirror) {
        return LocalRegistry.start(new Options(0, dataDir, null, false, false, null, mirror));
    }
}
