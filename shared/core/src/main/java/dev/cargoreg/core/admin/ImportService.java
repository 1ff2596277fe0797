package dev.cargoreg.core.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.core.yank.YankService;

import java.time.Instant;

/**
 * An administrator's import of one .crate that exists elsewhere (crates.io, another registry, a directory of files):
 * {@link PublishService#importCrate} with the source's publish time, then the source's yanked flag through the yank
 * path. Running it again changes nothing; an import interrupted between the two steps is completed by running it again.
 */
public final class ImportService {
    private final PublishService publish;
    private final YankService yank;

    public ImportService(PublishService publish, YankService yank) {
        this.publish = publish;
        this.yank = yank;
    }

    /** One line of an import report. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Imported(
            @JsonProperty("name") String name,
            @JsonProperty("vers") String version,
            @JsonProperty("cksum") String cksum,
            /** `imported`, or `skipped` when these very bytes were already there. */
            @JsonProperty("outcome") String outcome,
            @JsonProperty("yanked") Boolean yanked) {
    }

    /**
     * @param publishedAt the source's publish time (`pubtime`), or null: now
     * @param yanked      the source's yanked flag, or null: unknown, left as it is (a new version is not yanked)
     */
    public Imported importCrate(Principal principal, byte[] crate, Instant publishedAt, Boolean yanked) {
        PublishService.Imported done = publish.importCrate(principal, crate, publishedAt);
        if (yanked != null) {
            yank.setYanked(principal, done.name(), done.version(), yanked);
        }
        return new Imported(done.name(), done.version(), done.cksum(), done.alreadyPresent() ? "skipped" : "imported", yanked);
    }
}
