package dev.cargoreg.core.testing;

import dev.cargoreg.core.port.CdnInvalidator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Records invalidated paths; can be told to fail like a throttled CloudFront API. Safe to share between threads. */
public final class RecordingCdn implements CdnInvalidator {
    private final List<String> paths = new ArrayList<>();
    private boolean failing;

    public synchronized void setFailing(boolean failing) {
        this.failing = failing;
    }

    /** Every path invalidated so far, in order. */
    public synchronized List<String> paths() {
        return List.copyOf(paths);
    }

    @Override
    public synchronized void invalidate(Collection<String> p) {
        if (failing) {
            throw new IllegalStateException("simulated CloudFront throttling");
        }
        paths.addAll(p);
    }
}
