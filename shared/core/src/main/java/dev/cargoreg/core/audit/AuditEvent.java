package dev.cargoreg.core.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A change as an event, in EventBridge's envelope: {@code detail-type} is the action ({@code crate.published},
 * {@code crate.yanked}, …), {@code detail} the audit record without where the request came from (events go to chat and
 * CI; the source IP stays in the audit trail). The template's pipe (RegistryEventsPipe) builds the same detail from the
 * record's stream image; the local runner's {@code --webhook} posts this.
 */
@JsonPropertyOrder({"version", "id", "detail-type", "source", "time", "detail"})
public record AuditEvent(String version, String id, @JsonProperty("detail-type") String detailType, String source,
                         String time, Detail detail) {

    /** The events' {@code source}. */
    public static final String SOURCE = "cargo-registry";

    /** Absent values are empty strings, as the pipe's input template renders them. */
    @JsonPropertyOrder({"id", "action", "actor", "token_id", "crate", "version", "detail", "at"})
    public record Detail(String id, String action, String actor, @JsonProperty("token_id") long tokenId, String crate,
                         String version, String detail, String at) {
    }

    public static AuditEvent of(AuditRecord r) {
        return new AuditEvent("0", r.id(), r.action(), SOURCE, r.at().toString(), new Detail(r.id(), r.action(),
                orEmpty(r.actor()), r.tokenId(), orEmpty(r.crate()), orEmpty(r.version()), orEmpty(r.detail()),
                r.at().toString()));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
