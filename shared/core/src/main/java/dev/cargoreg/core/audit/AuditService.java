package dev.cargoreg.core.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.CrateLookup;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.CrateRecord;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reading the audit trail: administrators read all of it ({@code GET /api/v1/admin/audit}), a crate's owners read their
 * crate's records ({@code GET /api/v1/crates/{name}/audit}). Nothing edits or deletes records.
 */
public final class AuditService {
    public static final int DEFAULT_PER_PAGE = 50;
    public static final int MAX_PER_PAGE = 100;
    private static final Pattern CURSOR = Pattern.compile("\\d{13}#[0-9a-f-]{36}");

    private final MetadataStore store;
    private final CrateLookup access;

    public AuditService(MetadataStore store) {
        this.store = store;
        this.access = new CrateLookup(store);
    }

    /** One record as the API shows it; {@code trustpub_data} as the version API shows it (null for other tokens). */
    @JsonPropertyOrder(alphabetic = true)
    public record Entry(String id, String action, String actor, @JsonProperty("token_id") long tokenId,
                        @JsonProperty("token_name") String tokenName,
                        @JsonProperty("trustpub_data") Map<String, String> trustpubData, String crate,
                        String version, String detail, String at, @JsonProperty("source_ip") String sourceIp,
                        @JsonProperty("user_agent") String userAgent) {
        static Entry of(AuditRecord r) {
            return new Entry(r.id(), r.action(), r.actor(), r.tokenId(), r.tokenName(),
                    r.provenance() == null ? null : r.provenance().toJson(), r.crate(), r.version(), r.detail(),
                    r.at().toString(), r.sourceIp(), r.userAgent());
        }
    }

    @JsonPropertyOrder(alphabetic = true)
    public record Listing(List<Entry> records, Meta meta) {
    }

    /** {@code nextPage}: the query string of the next page (null on the last). */
    @JsonPropertyOrder(alphabetic = true)
    public record Meta(@JsonProperty("next_page") String nextPage) {
    }

    /** GET /api/v1/admin/audit?crate=&user=&action=&since=&per_page=&cursor= */
    public Listing all(Principal principal, Map<String, String> params) {
        principal.requireAdmin();
        String crate = blankToNull(params.get("crate"));
        return list(crate == null ? null : CrateName.canonical(crate), params, "crate");
    }

    /** GET /api/v1/crates/{name}/audit?user=&action=&since=&per_page=&cursor=: for the crate's owners and administrators. */
    public Listing crate(Principal principal, String name, Map<String, String> params) {
        principal.requireRead();
        String login = principal.requireLogin();
        CrateRecord crate = access.crate(name);
        if (!crate.owners().contains(login)) {
            if (!principal.admin()) {
                throw RegistryException.forbidden("only owners of crate `" + crate.name() + "` and administrators may read its audit trail");
            }
            // an administrator reads another's crate as an administrator: with a token that may act as one (unscoped)
            principal.requireAdmin();
        }
        if (!principal.matchesCrate(crate.name())) {
            throw RegistryException.forbidden("this token does not have the required permissions to perform this action"
                    + " (its crate scopes do not include `" + crate.name() + "`)");
        }
        return list(crate.canonicalName(), params, null);
    }

    private Listing list(String crateCanonical, Map<String, String> params, String crateParam) {
        String user = blankToNull(params.get("user"));
        String action = blankToNull(params.get("action"));
        if (action != null && !AuditRecord.Action.known(action)) {
            throw RegistryException.badRequest("unknown action `" + action + "`");
        }
        Instant since = null;
        String s = blankToNull(params.get("since"));
        if (s != null) {
            try {
                since = Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw RegistryException.badRequest("since must be an RFC 3339 time such as 2026-01-31T00:00:00Z, got `" + s + "`");
            }
        }
        int perPage = DEFAULT_PER_PAGE;
        String pp = blankToNull(params.get("per_page"));
        if (pp != null) {
            try {
                perPage = Integer.parseInt(pp);
            } catch (NumberFormatException e) {
                perPage = -1;
            }
            if (perPage < 1 || perPage > MAX_PER_PAGE) {
                throw RegistryException.badRequest("per_page must be between 1 and " + MAX_PER_PAGE + ", got `" + pp + "`");
            }
        }
        String cursor = blankToNull(params.get("cursor"));
        if (cursor != null && !CURSOR.matcher(cursor).matches()) {
            throw RegistryException.badRequest("invalid cursor `" + cursor + "`");
        }
        AuditPage page = store.auditTrail(new AuditQuery(crateCanonical, null, user, action, since, perPage, cursor));
        String next = null;
        if (page.cursor() != null) {
            StringBuilder q = new StringBuilder("?per_page=").append(perPage);
            if (crateParam != null && crateCanonical != null) {
                q.append("&").append(crateParam).append("=").append(enc(params.get(crateParam)));
            }
            for (String k : new String[] {"user", "action", "since"}) {
                if (blankToNull(params.get(k)) != null) {
                    q.append("&").append(k).append("=").append(enc(params.get(k)));
                }
            }
            next = q.append("&cursor=").append(enc(page.cursor())).toString();
        }
        return new Listing(page.records().stream().map(Entry::of).toList(), new Meta(next));
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }
}
