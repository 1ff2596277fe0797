package dev.cargoreg.core.audit;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.crate.Provenance;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One change to the registry, written in the same transaction as the change itself (so there is never a change without
 * its record, nor a record without its change) and never edited or deleted by any API; it expires {@link #RETENTION}
 * after {@code at}.
 *
 * @param id        unique per record
 * @param action    what happened ({@link Action#wire()})
 * @param actor     the login that did it
 * @param tokenId   the token it used (0: none, e.g. bootstrap)
 * @param crate     the crate's name as published (null for user and token changes)
 * @param version   the version, when one is concerned
 * @param detail    what else says what changed (owners added, token name), or null
 * @param sourceIp  where the request came from, as API Gateway saw it (null outside a request)
 * @param userAgent the request's User-Agent (null outside a request)
 * @param tokenName  the name of the token it used (null: none, or not known to the caller)
 * @param provenance when that token was minted by trusted publishing: the CI run it came from (else null)
 */
public record AuditRecord(String id, Instant at, String action, String actor, long tokenId, String crate, String version,
                          String detail, String sourceIp, String userAgent, String tokenName, Provenance provenance) {

    /** How long records are kept (DynamoDB TTL deletes them after that): two years. */
    public static final Duration RETENTION = Duration.ofDays(730);

    /** The changes that are recorded, named as their events are. */
    public enum Action {
        CRATE_PUBLISHED("crate.published"),
        CRATE_YANKED("crate.yanked"),
        CRATE_UNYANKED("crate.unyanked"),
        OWNERS_ADDED("owners.added"),
        OWNERS_REMOVED("owners.removed"),
        VERSION_REMOVED("version.removed"),
        CRATE_REMOVED("crate.removed"),
        TOKEN_CREATED("token.created"),
        TOKEN_REVOKED("token.revoked"),
        USER_CREATED("user.created"),
        /** An administrator created or changed an entry of the mirror's policy (a rule, a reserved pattern, an allowed name). */
        MIRROR_POLICY_SET("mirror.policy.set"),
        MIRROR_POLICY_REMOVED("mirror.policy.removed"),
        USER_DISABLED("user.disabled"),
        USER_ENABLED("user.enabled"),
        USER_DELETED("user.deleted"),
        TRUST_CONFIG_CREATED("trustpub.config_created"),
        TRUST_CONFIG_DELETED("trustpub.config_deleted");

        private final String wire;

        Action(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static boolean known(String wire) {
            for (Action a : values()) {
                if (a.wire.equals(wire)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A record of what {@code by} does now, with the token it used, from where the current request came from. */
    public static AuditRecord of(Action action, Principal by, String crate, String version, String detail, Instant at) {
        return of(action, by.login(), by.tokenId(), by.tokenName(), by.provenance(), crate, version, detail, at);
    }

    /** A record of a change not made with a token of the actor's (bootstrap, a token minted for them): token id 0. */
    public static AuditRecord of(Action action, String login, long tokenId, String crate, String version, String detail,
                                 Instant at) {
        return of(action, login, tokenId, null, null, crate, version, detail, at);
    }

    public static AuditRecord of(Action action, String login, long tokenId, String tokenName, Provenance provenance,
                                 String crate, String version, String detail, Instant at) {
        RequestOrigin origin = RequestOrigin.current();
        return new AuditRecord(UUID.randomUUID().toString(), at, action.wire(), login, tokenId, crate, version, detail,
                origin.sourceIp(), origin.userAgent(), tokenName, provenance);
    }

    /** When DynamoDB's TTL may delete it, in epoch seconds. */
    public long expiresEpochSecond() {
        return at.plus(RETENTION).getEpochSecond();
    }

    /** The sort key: time first (fixed width, so that string order is time order), then the id. */
    public String sortKey() {
        return String.format("%013d#%s", at.toEpochMilli(), id);
    }
}
