package dev.cargoreg.core.publish.tar;

import java.io.IOException;

/** Signals the unpacked-size limit; an IOException so it travels through commons-compress unchanged. */
public final class UnpackLimitExceeded extends IOException {
    UnpackLimitExceeded() {
        super("unpacked size limit exceeded", null);
    }
}
