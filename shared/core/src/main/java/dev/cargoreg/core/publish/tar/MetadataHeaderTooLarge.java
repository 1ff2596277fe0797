package dev.cargoreg.core.publish.tar;

import java.io.IOException;

/** A GNU long-name or pax header above the limit: refused before commons-compress buffers it whole. */
public final class MetadataHeaderTooLarge extends IOException {
    private final boolean longName;

    MetadataHeaderTooLarge(boolean longName) {
        super("tar metadata header too large", null);
        this.longName = longName;
    }

    /** A GNU long name (L, K), rather than a pax header (x, g). */
    public boolean longName() {
        return longName;
    }
}
