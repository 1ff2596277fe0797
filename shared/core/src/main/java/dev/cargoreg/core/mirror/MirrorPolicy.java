package dev.cargoreg.core.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What administrators decided about the mirror at one moment (a snapshot; {@link MirrorPolicySource} keeps it current):
 * deny/allow rules, reserved name patterns (never served from upstream) and names allowed for private publishing
 * (which the mirror then never serves either: the private crate owns the name).
 */
public record MirrorPolicy(List<MirrorRule> rules, List<Named> reserved, List<Named> allowed) {
    private static final Pattern YANKED_FALSE = Pattern.compile("\"yanked\"\\s*:\\s*false");

    /** A reserved pattern or an allowed name; {@code source}: {@code admin} (stored) or {@code environment} (config). */
    public record Named(String pattern, String reason, String source) {
    }

    public static final MirrorPolicy EMPTY = new MirrorPolicy(List.of(), List.of(), List.of());

    public MirrorPolicy {
        rules = List.copyOf(rules);
        reserved = List.copyOf(reserved);
        allowed = List.copyOf(allowed);
    }

    /** The reserved pattern (canonical) {@code name} matches, or null. */
    public String reservedPatternOf(String name) {
        for (Named r : reserved) {
            if (NamePattern.parse(r.pattern()).matches(name)) {
                return r.pattern();
            }
        }
        return null;
    }

    /** Whether an administrator allowed {@code name} to be published privately although upstream has it. */
    public boolean allowedPrivate(String name) {
        return allowed.stream().anyMatch(a -> NamePattern.parse(a.pattern()).matches(name));
    }

    private boolean allowOnly() {
        return rules.stream().anyMatch(r -> !r.deny());
    }

    /** Why the mirror serves nothing of {@code name} (reserved, allowed for private publishing, allow-only), or null. */
    public String nameRefusal(String name) {
        String pattern = reservedPatternOf(name);
        if (pattern != null) {
            return "`" + name + "` matches the reserved name pattern `" + pattern + "` of this registry: the mirror never serves"
                    + " upstream crates with reserved names (dependency-confusion protection); depend on the private crate with"
                    + " `registry = \"…\"` instead";
        }
        if (allowedPrivate(name)) {
            return "`" + name + "` is allowed for private publishing in this registry: the mirror never serves the upstream"
                    + " crate of the same name (dependency-confusion protection); depend on the private crate with"
                    + " `registry = \"…\"` instead";
        }
        if (allowOnly() && rules.stream().noneMatch(r -> !r.deny() && r.matchesName(name))) {
            return "`" + name + "` is not allowed by this registry's mirror policy: only crates an administrator allowed are"
                    + " served (allow rules: " + String.join(", ", rules.stream().filter(r -> !r.deny()).map(MirrorRule::crate).toList())
                    + ")";
        }
        return null;
    }

    /** Why {@code name@version} must not be downloaded through the mirror (a deny rule, or outside every allow range), or null. */
    public String versionRefusal(String name, String version) {
        for (MirrorRule r : rules) {
            if (r.deny() && r.matchesName(name) && r.matchesVersion(version)) {
                return "`" + name + "@" + version + "` is denied by this registry's mirror policy (rule `" + r.id() + "`: "
                        + r.describe() + "): " + r.reason();
            }
        }
        if (allowOnly()) {
            List<MirrorRule> allows = rules.stream().filter(r -> !r.deny() && r.matchesName(name)).toList();
            if (allows.stream().noneMatch(r -> r.matchesVersion(version))) {
                return "`" + name + "@" + version + "` is not allowed by this registry's mirror policy (only "
                        + String.join(", ", allows.stream().map(r -> r.describe() + ": " + r.reason()).toList()) + ")";
            }
        }
        return null;
    }

    /**
     * The index file with every refused version's line showing {@code "yanked":true}, so cargo's resolver skips it.
     * The flip is textual and is the one change: every other byte of every line stays upstream's (unknown fields survive).
     */
    public byte[] markRefusedYanked(String name, byte[] file) {
        if (rules.isEmpty()) {
            return file;
        }
        String text = new String(file, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(text.length() + 64);
        boolean changed = false;
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            String line = text.substring(start, end);
            String marked = markLine(name, line);
            changed |= marked != line;
            out.append(marked);
            if (nl >= 0) {
                out.append('\n');
            }
            start = end + 1;
        }
        return changed ? out.toString().getBytes(StandardCharsets.UTF_8) : file;
    }

    private String markLine(String name, String line) {
        if (line.isBlank()) {
            return line;
        }
        JsonNode n;
        try {
            n = Json.readTree(line);
        } catch (IOException e) {
            return line;
        }
        if (n == null || !n.isObject() || n.path("yanked").asBoolean(false)
                || versionRefusal(name, n.path("vers").asText()) == null) {
            return line;
        }
        // cargo reads a line without `yanked` (another upstream's) as not yanked: the field is added, first
        if (!n.has("yanked")) {
            int open = line.indexOf('{');
            return line.substring(0, open + 1) + "\"yanked\":true," + line.substring(open + 1);
        }
        // only a top-level "yanked":false is flipped; an already yanked line stays as it is
        if (!n.path("yanked").isBoolean()) {
            return line;
        }
        Matcher m = YANKED_FALSE.matcher(line);
        int depthAtMatch = -1;
        while (m.find()) {
            depthAtMatch = depth(line, m.start());
            if (depthAtMatch == 1) {
                return line.substring(0, m.start()) + "\"yanked\":true" + line.substring(m.end());
            }
        }
        return line;
    }

    /** JSON nesting depth at {@code pos} (outside strings), so a {@code "yanked":false} inside a nested object is left alone. */
    private static int depth(String s, int pos) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < pos; i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return inString ? -1 : depth;
    }
}
