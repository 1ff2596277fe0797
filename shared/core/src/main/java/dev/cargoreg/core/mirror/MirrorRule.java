package dev.cargoreg.core.mirror;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cargoreg.core.publish.VersionReq;


/**
 * One rule of the mirror's policy. {@code deny}: the matching versions (all when {@code versions} is null) show as yanked
 * in the mirror's index files and their downloads are refused with {@code reason}. {@code allow}: as soon as one allow
 * rule exists the mirror is "allow-only": names no allow rule matches are refused, and of a matched name only the
 * versions of some matching allow rule's range are served.
 *
 * @param id        the administrator's name for the rule (the key in {@code /api/v1/admin/mirror/rules/{id}})
 * @param crate     a {@link NamePattern} in its canonical form
 * @param versions  a cargo version requirement ({@code <1.2.3}, {@code >=0.9, <0.9.80}), or null for every version
 */
public record MirrorRule(String id, String effect, String crate, String versions, String reason,
                         @JsonProperty("updated_by") String updatedBy, @JsonProperty("updated_at") String updatedAt) {
    public static final String DENY = "deny";
    public static final String ALLOW = "allow";

    public boolean deny() {
        return DENY.equals(effect);
    }

    boolean matchesName(String name) {
        return NamePattern.parse(crate).matches(name);
    }

    boolean matchesVersion(String version) {
        return versions == null || VersionReq.parse(versions).matches(version);
    }

    /** How the rule reads in a refusal: {@code deny openssl_sys <0.9.80}. */
    String describe() {
        return effect + " " + crate + (versions == null ? "" : " " + versions);
    }
}
