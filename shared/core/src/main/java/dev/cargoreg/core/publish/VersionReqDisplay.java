package dev.cargoreg.core.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A version requirement as cargo sends it on publish: the `semver` crate's Display of the parsed requirement, so
 * `1.0` becomes `^1.0`, `>= 1.2, < 2` becomes `>=1.2, <2` and `1.x` becomes `1.*`. Anything it does not recognise
 * is returned trimmed and left to {@link VersionReq} in the publish checks.
 */
final class VersionReqDisplay {
    private VersionReqDisplay() {
    }

    static String of(String req) {
        String trimmed = req.trim();
        if (trimmed.isEmpty() || trimmed.equals("*")) {
            return trimmed;
        }
        List<String> parts = new ArrayList<>();
        for (String c : trimmed.split(",", -1)) {
            parts.add(comparator(c.trim()));
        }
        return String.join(", ", parts);
    }

    private static String comparator(String c) {
        int i = 0;
        while (i < c.length() && "=<>~^".indexOf(c.charAt(i)) >= 0) {
            i++;
        }
        String op = c.substring(0, i);
        String version = c.substring(i).trim();
        if (version.isEmpty()) {
            return c;
        }
        String[] nums = version.split("\\.", -1);
        boolean wildcard = false;
        for (int k = 0; k < nums.length && k < 3; k++) {
            if (nums[k].equals("*") || nums[k].toLowerCase(Locale.ROOT).equals("x")) {
                nums[k] = "*";
                wildcard = true;
            }
        }
        String v = String.join(".", nums);
        if (wildcard) {
            // semver prints wildcards bare (`1.*`) when written without an operator or with `=`
            return op.isEmpty() || op.equals("=") ? v : op + v;
        }
        return (op.isEmpty() ? "^" : op) + v;
    }
}
