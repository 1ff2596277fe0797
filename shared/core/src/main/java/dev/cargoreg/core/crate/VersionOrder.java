package dev.cargoreg.core.crate;

import java.util.Comparator;

/**
 * SemVer 2.0 precedence (build metadata ignored), as cargo orders versions. Numbers are compared by value at any
 * size: cargo allows u64 parts and arbitrarily long numeric pre-release identifiers, so no fixed-width parsing.
 */
public final class VersionOrder {
    public static final Comparator<String> PRECEDENCE = VersionOrder::compare;

    private VersionOrder() {
    }

    public static boolean isPreRelease(String version) {
        String v = stripBuild(version);
        return v.indexOf('-') >= 0;
    }

    static int compare(String a, String b) {
        String va = stripBuild(a);
        String vb = stripBuild(b);
        int da = va.indexOf('-');
        int db = vb.indexOf('-');
        String coreA = da < 0 ? va : va.substring(0, da);
        String coreB = db < 0 ? vb : vb.substring(0, db);
        String[] ca = coreA.split("\\.");
        String[] cb = coreB.split("\\.");
        for (int i = 0; i < 3; i++) {
            int c = compareNumeric(ca[i], cb[i]);
            if (c != 0) {
                return c;
            }
        }
        if (da < 0 || db < 0) {
            // a release ranks above its pre-releases
            return Boolean.compare(da < 0, db < 0);
        }
        String[] pa = va.substring(da + 1).split("\\.");
        String[] pb = vb.substring(db + 1).split("\\.");
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            boolean na = isNumeric(pa[i]);
            boolean nb = isNumeric(pb[i]);
            int c;
            if (na && nb) {
                c = compareNumeric(pa[i], pb[i]);
            } else if (na != nb) {
                c = na ? -1 : 1;
            } else {
                c = pa[i].compareTo(pb[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pa.length, pb.length);
    }

    private static String stripBuild(String v) {
        int plus = v.indexOf('+');
        return plus < 0 ? v : v.substring(0, plus);
    }

    private static boolean isNumeric(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Unsigned decimal strings without leading zeros (SemVer forbids them): longer is larger, else text order. */
    private static int compareNumeric(String a, String b) {
        String x = stripZeros(a);
        String y = stripZeros(b);
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    }

    private static String stripZeros(String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return s.substring(i);
    }
}
