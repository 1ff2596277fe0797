package dev.cargoreg.core.crate;

import org.semver4j.Semver;

import java.util.Comparator;

/** SemVer precedence (build metadata ignored), as cargo and crates.io order versions. */
public final class VersionOrder {
    public static final Comparator<String> PRECEDENCE = (a, b) -> parse(a).compareTo(parse(b));

    private VersionOrder() {
    }

    public static boolean isPreRelease(String version) {
        return !parse(version).getPreRelease().isEmpty();
    }

    private static Semver parse(String v) {
        Semver s = Semver.parse(v);
        if (s == null) {
            throw new IllegalArgumentException("not a semver version: " + v);
        }
        return s;
    }
}
