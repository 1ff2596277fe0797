package dev.cargoreg.core.publish;

import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.CrateVersion;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.index.IndexLines;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses the publish metadata JSON and checks every field the index or the store relies on. */
public final class MetadataValidator {
    private static final Set<String> KINDS = Set.of("normal", "build", "dev");
    /** crates.io: parses as a semver requirement and is made of digits and dots only; so no leading zeros either. */
    private static final Pattern RUST_VERSION = Pattern.compile("^(0|[1-9]\\d{0,4})(\\.(0|[1-9]\\d{0,4})){0,2}$");

    /** crates.io: at most 5 keywords, each at most 20 bytes, ASCII alphanumeric first, then also `_`, `-`, `+`. */
    static final int MAX_KEYWORDS = 5;
    static final int MAX_KEYWORD_LENGTH = 20;
    /** crates.io: at most 5 categories. We have no category list, so a category is only checked for shape. */
    static final int MAX_CATEGORIES = 5;
    static final int MAX_CATEGORY_LENGTH = 100;
    /** crates.io no longer stores authors; we do (version details), so they get a limit. */
    static final int MAX_AUTHORS = 100;
    static final int MAX_AUTHOR_LENGTH = 1024;
    /** crates.io: 1000 (bytes, although its message says characters). */
    static final int MAX_DESCRIPTION_LENGTH = 1000;
    /** homepage, documentation, repository. crates.io has no limit; browsers and CDNs stop around 2 KB. */
    static final int MAX_URL_LENGTH = 2048;
    static final int MAX_LINKS_LENGTH = 256;
    static final int MAX_VERSION_REQ_LENGTH = 256;
    static final int MAX_TARGET_LENGTH = 512;
    static final int MAX_FEATURE_NAME_LENGTH = 256;
    static final int MAX_FEATURE_VALUE_LENGTH = 256;
    /**
     * What the version item (stored index line + details) may take. A DynamoDB item holds 400 KiB (409,600 bytes)
     * counting attribute names; the rest of the item (keys, version, checksum, publisher, dates, yank bookkeeping)
     * takes well under 2 KB, so this leaves ample headroom.
     */
    static final int MAX_STORED_BYTES = 380 * 1024;

    private final Limits limits;
    private final PublishRules rules;

    public MetadataValidator(Limits limits) {
        this(limits, PublishRules.NEW_PUBLISH);
    }

    /** {@code rules}: which of the new-publish rules are relaxed (an administrator's import). */
    public MetadataValidator(Limits limits, PublishRules rules) {
        this.limits = rules.countLimitsRelaxed() ? limits.toBuilder().maxDependencies(Integer.MAX_VALUE)
                .maxFeatures(Integer.MAX_VALUE).maxFeatureValues(Integer.MAX_VALUE).build() : limits;
        this.rules = rules;
    }

    public NewCrateMetadata parse(ByteBuffer json) {
        byte[] bytes = new byte[json.remaining()];
        json.duplicate().get(bytes);
        String text;
        try {
            // the publish format is UTF-8 only: decode strictly instead of letting Jackson guess UTF-16 or UTF-32
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw RegistryException.badRequest("invalid upload request: the metadata is not valid UTF-8");
        }
        return MetadataJson.read(text);
    }

    /** Returns the parsed version; throws a 400 that names the first problem found. */
    public CrateVersion validate(NewCrateMetadata m) {
        if (m.name() == null) {
            throw RegistryException.badRequest("invalid upload request: missing field `name`");
        }
        if (m.vers() == null) {
            throw RegistryException.badRequest("invalid upload request: missing field `vers`");
        }
        if (rules.reservedNamesAllowed()) {
            CrateName.validateForImport(m.name(), CrateName.MAX_LENGTH);
        } else {
            CrateName.validateForPublish(m.name(), CrateName.MAX_LENGTH);
        }
        CrateVersion version = CrateVersion.parse(m.vers(), CrateVersion.MAX_LENGTH);
        checkWellFormed(m);
        List<NewCrateMetadata.Dependency> deps = m.deps() == null ? List.of() : m.deps();
        if (deps.size() > limits.maxDependencies()) {
            throw RegistryException.badRequest("too many dependencies: " + deps.size() + " (max " + limits.maxDependencies() + ")");
        }
        Set<String> depNames = new HashSet<>();
        for (NewCrateMetadata.Dependency d : deps) {
            validateDependency(d);
            depNames.add(d.explicitNameInToml() != null ? d.explicitNameInToml() : d.name());
        }
        validateFeatures(m.features() == null ? Map.of() : m.features(), depNames);
        if (m.links() != null && (m.links().isEmpty() || m.links().length() > MAX_LINKS_LENGTH)) {
            throw RegistryException.badRequest("invalid `links` value: it must be 1 to " + MAX_LINKS_LENGTH + " characters");
        }
        if (m.rustVersion() != null && !RUST_VERSION.matcher(m.rustVersion()).matches()) {
            throw RegistryException.badRequest("invalid `rust-version` value `" + m.rustVersion()
                    + "`: it must be a bare version such as `1.70` or `1.70.0`");
        }
        if (m.description() != null && utf8Length(m.description()) > MAX_DESCRIPTION_LENGTH) {
            throw RegistryException.badRequest("the description is too long: a maximum of " + MAX_DESCRIPTION_LENGTH
                    + " bytes is allowed (as on crates.io)");
        }
        validateLicense(m.license());
        checkPath("license-file", m.licenseFile());
        checkPath("readme-file", m.readmeFile());
        checkUrl("homepage", m.homepage());
        checkUrl("documentation", m.documentation());
        checkUrl("repository", m.repository());
        validateKeywords(m.keywords());
        validateCategories(m.categories());
        validateAuthors(m.authors());
        checkStoredSize(m);
        return version;
    }

    private void validateDependency(NewCrateMetadata.Dependency d) {
        if (d == null) {
            throw RegistryException.badRequest("invalid upload request: a dependency is null");
        }
        CrateName.validateDependencyName(d.name(), CrateName.MAX_LENGTH);
        if (d.explicitNameInToml() != null) {
            CrateName.validateAlias(d.explicitNameInToml(), CrateName.MAX_LENGTH);
        }
        if (d.versionReq() == null || d.versionReq().isBlank()) {
            throw RegistryException.badRequest("dependency `" + d.name() + "` has no version requirement");
        }
        if (d.versionReq().length() > MAX_VERSION_REQ_LENGTH) {
            throw RegistryException.badRequest("dependency `" + d.name() + "` has a version requirement longer than "
                    + MAX_VERSION_REQ_LENGTH + " characters");
        }
        VersionReq req;
        try {
            req = VersionReq.parse(d.versionReq());
        } catch (IllegalArgumentException e) {
            throw RegistryException.badRequest("\"" + d.versionReq() + "\" is an invalid version requirement"
                    + " (dependency `" + d.name() + "`: " + e.getMessage() + ")");
        }
        if (req.isStar()) {
            throw RegistryException.badRequest("wildcard (`*`) dependency constraints are not allowed on this registry,"
                    + " as on crates.io. Crate with this problem: `" + d.name() + "`. See"
                    + " https://doc.rust-lang.org/cargo/faq.html#can-libraries-use--as-a-version-for-their-dependencies"
                    + " for more information");
        }
        if (d.kind() != null && !KINDS.contains(d.kind())) {
            throw RegistryException.badRequest("dependency `" + d.name() + "` has an unknown kind `" + d.kind()
                    + "` (expected normal, build or dev)");
        }
        if (d.target() != null) {
            if (d.target().isEmpty() || d.target().length() > MAX_TARGET_LENGTH) {
                throw RegistryException.badRequest("dependency `" + d.name() + "` has an invalid target");
            }
            try {
                TargetExpression.validate(d.target());
            } catch (IllegalArgumentException e) {
                throw RegistryException.badRequest("dependency `" + d.name() + "` has an invalid target `" + d.target()
                        + "`: " + e.getMessage());
            }
        }
        if (d.registry() != null && !(d.registry().startsWith("https://") || d.registry().startsWith("http://")
                || d.registry().startsWith("sparse+http"))) {
            throw RegistryException.badRequest("dependency `" + d.name() + "` names registry `" + d.registry()
                    + "`, which is not an index URL");
        }
        if (d.registry() != null && d.registry().length() > MAX_URL_LENGTH) {
            throw RegistryException.badRequest("dependency `" + d.name() + "` names a registry URL longer than "
                    + MAX_URL_LENGTH + " characters");
        }
        if (d.features() != null) {
            if (d.features().size() > limits.maxFeatureValues()) {
                throw RegistryException.badRequest("dependency `" + d.name() + "` enables too many features");
            }
            for (String f : d.features()) {
                if (f == null || f.length() > MAX_FEATURE_VALUE_LENGTH) {
                    throw RegistryException.badRequest("dependency `" + d.name() + "` has an invalid feature name");
                }
                checkFeatureValue(f);
            }
        }
    }

    private void validateFeatures(Map<String, List<String>> features, Set<String> depNames) {
        if (features.size() > limits.maxFeatures()) {
            throw RegistryException.badRequest("too many features: " + features.size() + " (max " + limits.maxFeatures() + ")");
        }
        for (Map.Entry<String, List<String>> e : features.entrySet()) {
            validateFeatureName(e.getKey());
            List<String> values = e.getValue() == null ? List.of() : e.getValue();
            if (values.size() > limits.maxFeatureValues()) {
                throw RegistryException.badRequest("feature `" + e.getKey() + "` has too many values: " + values.size()
                        + " (max " + limits.maxFeatureValues() + ")");
            }
            for (String v : values) {
                if (v == null || v.isEmpty() || v.length() > MAX_FEATURE_VALUE_LENGTH) {
                    throw RegistryException.badRequest("feature `" + e.getKey() + "` has an invalid value");
                }
                String dep = checkFeatureValue(v);
                // cargo reads the entry back and drops the whole version if a value names nothing (`Summary::new`)
                if (dep != null && !depNames.contains(dep)) {
                    throw RegistryException.badRequest("feature `" + e.getKey() + "` includes `" + v + "`, but `" + dep
                            + "` is not a dependency");
                }
                if (dep == null && !features.containsKey(v) && !depNames.contains(v)) {
                    throw RegistryException.badRequest("feature `" + e.getKey() + "` includes `" + v
                            + "` which is neither a dependency nor another feature");
                }
            }
        }
    }

    /**
     * crates.io's `validate_feature`: `dep:NAME`, `NAME/FEATURE`, `NAME?/FEATURE` or a plain feature name, where NAME
     * follows the dependency-name rule and FEATURE the feature-name rule. Returns NAME, or null for a plain feature.
     */
    static String checkFeatureValue(String value) {
        int slash = value.indexOf('/');
        if (slash >= 0) {
            String dep = value.substring(0, slash);
            if (dep.endsWith("?")) {
                dep = dep.substring(0, dep.length() - 1);
            }
            checkDependencyNameInFeature(dep, value);
            validateFeatureName(value.substring(slash + 1));
            return dep;
        }
        if (value.startsWith("dep:")) {
            String dep = value.substring(4);
            checkDependencyNameInFeature(dep, value);
            return dep;
        }
        validateFeatureName(value);
        return null;
    }

    /** crates.io's `validate_dependency_name`: ASCII letter or `_` first, then ASCII alphanumerics, `-`, `_`. */
    private static void checkDependencyNameInFeature(String dep, String value) {
        if (dep.isEmpty()) {
            throw RegistryException.badRequest("invalid feature value `" + value + "`: dependency name cannot be empty");
        }
        char first = dep.charAt(0);
        if (first >= '0' && first <= '9') {
            throw RegistryException.badRequest("invalid feature value `" + value + "`: the name `" + dep
                    + "` cannot be used as a dependency name, the name cannot start with a digit");
        }
        for (int i = 0; i < dep.length(); i++) {
            char c = dep.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                    || (i > 0 && ((c >= '0' && c <= '9') || c == '-'));
            if (!ok) {
                throw RegistryException.badRequest("invalid feature value `" + value + "`: invalid character `"
                        + printable(dep.codePointAt(i)) + "` in dependency name `" + dep + "`, "
                        + (i == 0 ? "the first character must be an ASCII character, or `_`"
                        : "characters must be an ASCII alphanumeric characters, `-`, or `_`"));
            }
        }
    }

    /** crates.io: first char a Unicode XID start, `_` or an ASCII digit; then XID continue, `+`, `-` or `.`. */
    static void validateFeatureName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_FEATURE_NAME_LENGTH) {
            throw RegistryException.badRequest("feature names must be 1 to " + MAX_FEATURE_NAME_LENGTH + " characters");
        }
        int first = name.codePointAt(0);
        if (!(Character.isUnicodeIdentifierStart(first) || first == '_' || (first >= '0' && first <= '9'))) {
            throw RegistryException.badRequest("invalid character in feature `" + name
                    + "`, the first character must be a Unicode XID start character or digit");
        }
        for (int i = Character.charCount(first); i < name.length(); ) {
            int c = name.codePointAt(i);
            if (!(Character.isUnicodeIdentifierPart(c) && !Character.isIdentifierIgnorable(c)) && c != '+' && c != '-' && c != '.') {
                throw RegistryException.badRequest("invalid character in feature `" + name
                        + "`, characters must be Unicode XID characters, `+`, `-` or `.`");
            }
            i += Character.charCount(c);
        }
    }

    private static void validateLicense(String license) {
        if (license == null) {
            return;
        }
        try {
            LicenseExpression.validate(license);
        } catch (IllegalArgumentException e) {
            throw RegistryException.badRequest("unknown or invalid license expression `" + license + "`: " + e.getMessage()
                    + "; see https://spdx.org/licenses/ for the identifiers and"
                    + " https://doc.rust-lang.org/cargo/reference/manifest.html#the-license-and-license-file-fields;"
                    + " a license that SPDX does not list goes into `license-file` or is written `LicenseRef-<name>`");
        }
    }

    private void checkPath(String field, String path) {
        if (path == null) {
            return;
        }
        if (path.isEmpty() || utf8Length(path) > limits.maxPathBytes()) {
            throw RegistryException.badRequest("invalid `" + field + "` value: it must be a path of 1 to "
                    + limits.maxPathBytes() + " bytes");
        }
    }

    /**
     * crates.io: the URL begins with http:// or https:// and parses as a URL. Here "parses" means what a WHATWG URL
     * parser (the `url` crate) needs from an http(s) URL: a non-empty host without forbidden characters and a
     * numeric port, if any. Paths and queries are left alone; a parser percent-encodes what needs it.
     */
    private static void checkUrl(String field, String url) {
        if (url == null) {
            return;
        }
        if (!(url.startsWith("http://") || url.startsWith("https://"))) {
            throw RegistryException.badRequest("URL `" + url + "` is invalid: it must start with http:// or https://");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw RegistryException.badRequest("the " + field + " URL is too long (max " + MAX_URL_LENGTH + " characters)");
        }
        String problem = urlProblem(url.substring(url.indexOf("//") + 2));
        if (problem != null) {
            throw RegistryException.badRequest("`" + field + "` is not a valid url: `" + url + "` (" + problem + ")");
        }
    }

    private static String urlProblem(String afterScheme) {
        for (int i = 0; i < afterScheme.length(); i++) {
            char c = afterScheme.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "it contains a control character";
            }
        }
        int end = afterScheme.length();
        for (int i = 0; i < afterScheme.length(); i++) {
            char c = afterScheme.charAt(i);
            if (c == '/' || c == '?' || c == '#' || c == '\\') {
                end = i;
                break;
            }
        }
        String authority = afterScheme.substring(0, end);
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        String host;
        String port = "";
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                return "an IPv6 address is not closed";
            }
            host = hostPort.substring(1, close);
            String rest = hostPort.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                return "unexpected text after the IPv6 address";
            }
            port = rest.isEmpty() ? "" : rest.substring(1);
            if (host.isEmpty() || !host.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == ':' || ch == '.')) {
                return "invalid IPv6 address";
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? "" : hostPort.substring(colon + 1);
            if (host.isEmpty()) {
                return "empty host";
            }
            for (int i = 0; i < host.length(); i++) {
                if (" #%/:<>?@[\\]^|".indexOf(host.charAt(i)) >= 0) {
                    return "invalid character in the host";
                }
            }
        }
        if (!port.isEmpty()) {
            if (port.length() > 5 || !port.chars().allMatch(ch -> ch >= '0' && ch <= '9') || Integer.parseInt(port) > 65535) {
                return "invalid port number";
            }
        }
        return null;
    }

    private static void validateKeywords(List<String> keywords) {
        if (keywords == null) {
            return;
        }
        if (keywords.size() > MAX_KEYWORDS) {
            throw RegistryException.badRequest("expected at most " + MAX_KEYWORDS + " keywords per crate");
        }
        for (String k : keywords) {
            if (k.length() > MAX_KEYWORD_LENGTH) {
                throw RegistryException.badRequest("\"" + k + "\" is an invalid keyword (keywords must have less than "
                        + MAX_KEYWORD_LENGTH + " characters)");
            }
            if (!validKeyword(k)) {
                throw RegistryException.badRequest("\"" + k + "\" is an invalid keyword (keywords start with an ASCII letter"
                        + " or digit and contain only ASCII letters, digits, `_`, `-` and `+`)");
            }
        }
    }

    /** crates.io's `Keyword::valid_name`. */
    static boolean validKeyword(String k) {
        if (k.isEmpty() || !isAsciiAlphanumeric(k.charAt(0))) {
            return false;
        }
        for (int i = 1; i < k.length(); i++) {
            char c = k.charAt(i);
            if (!(isAsciiAlphanumeric(c) || c == '_' || c == '-' || c == '+')) {
                return false;
            }
        }
        return true;
    }

    private static void validateCategories(List<String> categories) {
        if (categories == null) {
            return;
        }
        if (categories.size() > MAX_CATEGORIES) {
            throw RegistryException.badRequest("expected at most " + MAX_CATEGORIES + " categories per crate");
        }
        for (String c : categories) {
            if (c.isEmpty() || c.length() > MAX_CATEGORY_LENGTH || c.chars().anyMatch(Character::isISOControl)) {
                throw RegistryException.badRequest("\"" + c + "\" is an invalid category: a category is 1 to "
                        + MAX_CATEGORY_LENGTH + " characters without control characters");
            }
        }
    }

    private static void validateAuthors(List<String> authors) {
        if (authors == null) {
            return;
        }
        if (authors.size() > MAX_AUTHORS) {
            throw RegistryException.badRequest("expected at most " + MAX_AUTHORS + " authors per crate");
        }
        for (String a : authors) {
            if (a.length() > MAX_AUTHOR_LENGTH) {
                throw RegistryException.badRequest("an author is longer than " + MAX_AUTHOR_LENGTH + " characters");
            }
        }
    }

    /**
     * No null in any list, and no lone UTF-16 surrogate (a JSON escape such as {@code \ud800}) in any string: serde
     * refuses both, and a lone surrogate would be stored as `?`.
     */
    private static void checkWellFormed(NewCrateMetadata m) {
        checkList("keywords", m.keywords());
        checkList("categories", m.categories());
        checkList("authors", m.authors());
        for (String s : new String[] {m.name(), m.vers(), m.description(), m.documentation(), m.homepage(), m.readmeFile(),
                m.license(), m.licenseFile(), m.repository(), m.links(), m.rustVersion()}) {
            checkSurrogates(s);
        }
        if (m.deps() != null) {
            for (NewCrateMetadata.Dependency d : m.deps()) {
                if (d == null) {
                    continue;
                }
                for (String s : new String[] {d.name(), d.versionReq(), d.target(), d.kind(), d.registry(), d.explicitNameInToml()}) {
                    checkSurrogates(s);
                }
                if (d.features() != null) {
                    d.features().forEach(MetadataValidator::checkSurrogates);
                }
            }
        }
        if (m.features() != null) {
            m.features().forEach((k, v) -> {
                checkSurrogates(k);
                if (v != null) {
                    v.forEach(MetadataValidator::checkSurrogates);
                }
            });
        }
    }

    private static void checkList(String field, List<String> list) {
        if (list == null) {
            return;
        }
        for (String s : list) {
            if (s == null) {
                throw RegistryException.badRequest("invalid upload request: invalid type: null in `" + field + "`, expected a string");
            }
            checkSurrogates(s);
        }
    }

    private static void checkSurrogates(String s) {
        if (s == null) {
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw RegistryException.badRequest("invalid upload request: lone surrogate in a string"
                        + " (a \\u escape that is not valid UTF-16)");
            }
        }
    }

    /**
     * The version item stores the index line and the details (description, license, URLs, keywords, categories,
     * authors, file names): see PublishService.details and DynamoMetadataStore.commitPublish. Every field is within
     * its own limit here, but all of them at their limits together would not fit in one DynamoDB item, so the total
     * is bounded too. The size is counted as DynamoDB does: UTF-8 bytes of names and values, plus a few bytes per
     * list element.
     */
    private static void checkStoredSize(NewCrateMetadata m) {
        long line = utf8Length(IndexLines.serialize(IndexEntries.of(m, "0".repeat(64), Instant.EPOCH)));
        long details = 0;
        for (String[] f : new String[][] {{"description", m.description()}, {"license", m.license()},
                {"license_file", m.licenseFile()}, {"homepage", m.homepage()}, {"documentation", m.documentation()},
                {"repository", m.repository()}, {"readme_file", m.readmeFile()}}) {
            if (f[1] != null) {
                details += utf8Length(f[0]) + utf8Length(f[1]) + 1;
            }
        }
        details += listSize("keywords", m.keywords()) + listSize("categories", m.categories()) + listSize("authors", m.authors());
        long total = line + details;
        if (total > MAX_STORED_BYTES) {
            throw RegistryException.badRequest("the metadata of this version is too large to store: its index entry and"
                    + " details take " + total + " bytes (index entry " + line + "), the maximum is " + MAX_STORED_BYTES
                    + "; reduce the number or size of dependencies, features, authors or other fields");
        }
    }

    private static long listSize(String name, List<String> list) {
        if (list == null || list.isEmpty()) {
            return 0;
        }
        long size = utf8Length(name) + 3;
        for (String s : list) {
            size += 1 + utf8Length(s);
        }
        return size;
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static boolean isAsciiAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static String printable(int cp) {
        return Character.isISOControl(cp) ? String.format("\\u%04x", cp) : new String(Character.toChars(cp));
    }
}
