package dev.cargoreg.core.crate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a version published with a trusted-publishing token came from, from the CI provider's signed claims:
 * provider (`github`, `gitlab`), repository (`owner/repo`, or GitLab's project path), workflow file, run (GitHub's
 * run id, GitLab's pipeline id) and commit. Shown as the version's `trustpub_data`.
 */
public record Provenance(String provider, String repository, String workflow, String runId, String sha) {
    static final String PREFIX = "trustpub_";

    /** The version API's `trustpub_data` (crates.io's names, plus `workflow`). */
    public Map<String, String> toJson() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("provider", provider);
        m.put("repository", repository);
        m.put("workflow", workflow);
        m.put("run_id", runId);
        m.put("sha", sha);
        return m;
    }

    /** Flat, string-valued entries of the stored details map. */
    void putInto(Map<String, Object> details) {
        toJson().forEach((k, v) -> {
            if (v != null) {
                details.put(PREFIX + k, v);
            }
        });
    }

    static Provenance from(Map<String, ?> details) {
        if (!(details.get(PREFIX + "provider") instanceof String provider)) {
            return null;
        }
        return new Provenance(provider, str(details, "repository"), str(details, "workflow"), str(details, "run_id"),
                str(details, "sha"));
    }

    private static String str(Map<String, ?> m, String key) {
        return m.get(PREFIX + key) instanceof String s ? s : null;
    }
}
