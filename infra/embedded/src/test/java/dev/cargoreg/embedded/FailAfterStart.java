package dev.cargoreg.embedded;

import java.nio.file.Path;

/** A caller that fails after {@link EmbeddedBackends#start} without closing them, as the runner did in H1. */
public final class FailAfterStart {
    public static void main(String[] args) {
        EmbeddedBackends b = EmbeddedBackends.start(Path.of(args[0]), true);
        b.dynamo().listTables();
        throw new IllegalStateException("provisioning failed");
    }
}
