package dev.cargoreg.core.trustpub;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cargoreg.core.port.MetadataStore.TrustConfig;

/**
 * A trust configuration in crates.io's shapes: GitHub's {@code repository_owner}, {@code repository_owner_id},
 * {@code repository_name}, {@code workflow_filename}; GitLab's {@code namespace}, {@code namespace_id}, {@code project},
 * {@code workflow_filepath}. The fields of the other provider are left out.
 */
@JsonPropertyOrder(alphabetic = true)
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record TrustConfigView(
        long id,
        @JsonProperty("crate") String crate,
        @JsonProperty("repository_owner") String repositoryOwner,
        @JsonProperty("repository_owner_id") Long repositoryOwnerId,
        @JsonProperty("repository_name") String repositoryName,
        @JsonProperty("workflow_filename") String workflowFilename,
        String namespace,
        @JsonProperty("namespace_id") String namespaceId,
        String project,
        @JsonProperty("workflow_filepath") String workflowFilepath,
        @JsonInclude(JsonInclude.Include.ALWAYS) String environment,
        @JsonProperty("created_at") String createdAt) {

    public static TrustConfigView of(TrustConfig c) {
        String created = c.createdAt().toString();
        if (TrustedPublishingService.GITHUB.equals(c.provider())) {
            return new TrustConfigView(c.id(), c.crateName(), c.owner(), c.ownerId() == null ? null : Long.valueOf(c.ownerId()),
                    c.repository(), c.workflow(), null, null, null, null, c.environment(), created);
        }
        return new TrustConfigView(c.id(), c.crateName(), null, null, null, null, c.owner(), c.ownerId(), c.repository(),
                c.workflow(), c.environment(), created);
    }
}
