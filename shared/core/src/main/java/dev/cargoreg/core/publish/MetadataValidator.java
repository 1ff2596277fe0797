package dev.cargoreg.core.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.cargoreg.core.RegistryConfig.Limits;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.CrateVersion;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.Json;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses the publish metadata JSON and checks every field the index or the store relies on. */
public final class MetadataValidator {
    private static final ObjectReader READER = Json.mapper().readerFor(NewCrateMetadata.class);
    private static final Set<String> KINDS = Set.of("normal", "build", "dev");
    private static final Pattern RUST_VERSION = Pattern.compile("^\\d{1,5}(\\.\\d{1,5}){0,2}$");
    private static final int MAX_TEXT = 64 * 1024;

    private final Limits limits;

    public MetadataValidator(Limits limits) {
        this.limits = limits;
    }

    public NewCrateMetadata parse(ByteBuffer json) {
        byte[] bytes = new byte[json.remaining()];
        json.duplicate().get(bytes);
        NewCrateMetadata m;
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
        try {
            m = READER.readValue(text);
        } catch (JsonProcessingException e) {
            throw RegistryException.badRequest("invalid upload request: " + e.getOriginalMessage());
        }
        if (m == null) {
            throw RegistryException.badRequest("invalid upload request: the metadata must be a JSON object");
        }
        return m;
    }

    /** Returns the parsed version; throws a 400 that names the first problem found. */
    public CrateVersion validate(NewCrateMetadata m) {
        if (m.name() == null) {
            throw RegistryException.badRequest("invalid upload request: missing field `name`");
        }
        if (m.vers() == null) {
            throw RegistryException.badRequest("invalid upload request: missing field `vers`");
        }
        CrateName.validateForPublish(m.name(), CrateName.MAX_LENGTH);
        CrateVersion version = CrateVersion.parse(m.vers(), CrateVersion.MAX_LENGTH);
        List<NewCrateMetadata.Dependency> deps = m.deps() == null ? List.of() : m.deps();
        if (deps.size() > limits.maxDependencies()) {
            throw RegistryException.badRequest("too many dependencies: " + deps.size() + " (max " + limits.maxDependencies() + ")");
        }
        for (NewCrateMetadata.Dependency d : deps) {
            validateDependency(d);
        }
        validateFeatures(m.features() == null ? Map.of() : m.features());
        if (m.links() != null && (m.links().isEmpty() || m.links().length() > 256)) {
            throw RegistryException.badRequest("invalid `links` value: it must be 1 to 256 characters");
        }
        if (m.rustVersion() != null && !RUST_VERSION.matcher(m.rustVersion()).matches()) {
            throw RegistryException.badRequest("invalid `rust-version` value `" + m.rustVersion()
                    + "`: it must be a bare version such as `1.70` or `1.70.0`");
        }
        checkText("description", m.description());
        checkText("license", m.license());
        for (String url : new String[] {m.homepage(), m.documentation(), m.repository()}) {
            if (url != null && !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw RegistryException.badRequest("URL `" + url + "` is invalid: it must start with http:// or https://");
            }
            checkText("URL", url);
        }
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
        if (d.versionReq().length() > 256) {
            throw RegistryException.badRequest("dependency `" + d.name() + "` has a version requirement longer than 256 characters");
        }
        if (d.kind() != null && !KINDS.contains(d.kind())) {
            throw RegistryException.badRequest("dependency `" + d.name() + "` has an unknown kind `" + d.kind()
                    + "` (expected normal, build or dev)");
        }
        if (d.target() != null && (d.target().isEmpty() || d.target().length() > 512)) {
            throw RegistryException.badRequest("dependency `" + d.name() + "` has an invalid target");
        }
        if (d.registry() != null && !(d.registry().startsWith("https://") || d.registry().startsWith("http://")
                || d.registry().startsWith("sparse+http"))) {
            throw RegistryException.badRequest("dependency `" + d.name() + "` names registry `" + d.registry()
                    + "`, which is not an index URL");
        }
        if (d.features() != null) {
            if (d.features().size() > limits.maxFeatureValues()) {
                throw RegistryException.badRequest("dependency `" + d.name() + "` enables too many features");
            }
            for (String f : d.features()) {
                if (f == null || f.length() > 256) {
                    throw RegistryException.badRequest("dependency `" + d.name() + "` has an invalid feature name");
                }
            }
        }
    }

    private void validateFeatures(Map<String, List<String>> features) {
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
                if (v == null || v.isEmpty() || v.length() > 256) {
                    throw RegistryException.badRequest("feature `" + e.getKey() + "` has an invalid value");
                }
            }
        }
    }

    /** crates.io: first char a Unicode XID start, `_` or a digit; then XID continue, `+`, `-` or `.`. */
    static void validateFeatureName(String name) {
        if (name == null || name.isEmpty() || name.length() > 256) {
            throw RegistryException.badRequest("feature names must be 1 to 256 characters");
        }
        int first = name.codePointAt(0);
        if (!(Character.isUnicodeIdentifierStart(first) || first == '_' || Character.isDigit(first))) {
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

    private static void checkText(String field, String value) {
        if (value != null && value.length() > MAX_TEXT) {
            throw RegistryException.badRequest("the " + field + " is too long (max " + MAX_TEXT + " characters)");
        }
    }
}
