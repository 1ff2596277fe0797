package dev.cargoreg.core.crate;

import dev.cargoreg.core.error.RegistryException;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SemVer 2.0 version as cargo writes it. Uniqueness ignores build metadata: `1.0.0` and `1.0.0+x` are the same version.
 */
public record CrateVersion(String text, String withoutBuild) {
    /** The regular expression published with the SemVer 2.0.0 specification (semver.org), unchanged. */
    /** Longest version accepted at publish (semver sets none; this keeps keys and index lines bounded). */
    public static final int MAX_LENGTH = 128;

    private static final Pattern SEMVER = Pattern.compile(
            "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
                    + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");

    public static CrateVersion parse(String text, int maxLength) {
        if (text == null || text.isEmpty()) {
            throw RegistryException.badRequest("the version cannot be empty");
        }
        if (text.length() > maxLength) {
            throw RegistryException.badRequest("the version `" + text + "` is too long (max " + maxLength + " characters)");
        }
        Matcher m = SEMVER.matcher(text);
        if (!m.matches() || !numericPartsFit(m)) {
            throw RegistryException.badRequest("\"" + text + "\" is an invalid semver version");
        }
        int plus = text.indexOf('+');
        return new CrateVersion(text, plus < 0 ? text : text.substring(0, plus));
    }

    /** cargo's semver crate keeps major, minor and patch in a u64. */
    private static boolean numericPartsFit(Matcher m) {
        for (int g = 1; g <= 3; g++) {
            String part = m.group(g);
            if (part.length() > 20 || new BigInteger(part).bitLength() > 64) {
                return false;
            }
        }
        return true;
    }

    public boolean hasBuildMetadata() {
        return !text.equals(withoutBuild);
    }
}
