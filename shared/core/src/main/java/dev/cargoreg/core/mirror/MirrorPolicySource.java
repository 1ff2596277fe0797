package dev.cargoreg.core.mirror;

import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.MirrorPolicyEntry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The mirror's policy as stored (administrators' entries) plus the configuration's reserved patterns and allowed names
 * ({@code REGISTRY_MIRROR_RESERVED}, {@code REGISTRY_MIRROR_ALLOW_PRIVATE}: initial or extra values, never removable by
 * the API), read at most once per {@link #REFRESH} per instance so the mirror does not read DynamoDB on every request.
 * A change is therefore seen by every instance within {@link #REFRESH} (the instance that made it: at once).
 */
public final class MirrorPolicySource {
    private static final Logger LOG = Logger.getLogger(MirrorPolicySource.class.getName());
    /** How long a read policy is used before it is read again: the bound for a new rule to take effect in the function. */
    public static final Duration REFRESH = Duration.ofSeconds(5);

    private final MetadataStore store;
    private final MirrorConfig config;
    private final Clock clock;
    private volatile Loaded loaded;

    private record Loaded(MirrorPolicy policy, Instant at) {
    }

    public MirrorPolicySource(MetadataStore store, MirrorConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    public MirrorPolicy current() {
        Loaded l = loaded;
        Instant now = clock.instant();
        if (l != null && now.isBefore(l.at().plus(REFRESH))) {
            return l.policy();
        }
        try {
            MirrorPolicy p = read();
            loaded = new Loaded(p, now);
            return p;
        } catch (RuntimeException e) {
            if (l == null) {
                throw e;
            }
            // the table is unreachable: the last policy read stays in force rather than none at all
            LOG.log(Level.WARNING, "reading the mirror policy failed; keeping the one read at " + l.at(), e);
            return l.policy();
        }
    }

    /** Forgets the cached policy, so this instance sees its own change at once. */
    public void invalidate() {
        loaded = null;
    }

    private MirrorPolicy read() {
        List<MirrorRule> rules = new ArrayList<>();
        List<MirrorPolicy.Named> reserved = new ArrayList<>();
        List<MirrorPolicy.Named> allowed = new ArrayList<>();
        for (String p : config.reserved()) {
            reserved.add(new MirrorPolicy.Named(p, null, "environment"));
        }
        for (String n : config.allowedPrivate()) {
            allowed.add(new MirrorPolicy.Named(n, null, "environment"));
        }
        for (MirrorPolicyEntry e : store.mirrorPolicy()) {
            switch (e.kind()) {
                case MirrorPolicyEntry.RULE -> rules.add(new MirrorRule(e.key(), e.effect(), e.crate(), e.versions(), e.reason(),
                        e.updatedBy(), e.updatedAt() == null ? null : e.updatedAt().toString()));
                case MirrorPolicyEntry.RESERVED -> reserved.add(new MirrorPolicy.Named(e.key(), e.reason(), "admin"));
                case MirrorPolicyEntry.ALLOWED -> allowed.add(new MirrorPolicy.Named(e.key(), e.reason(), "admin"));
                default -> LOG.warning(() -> "ignoring a mirror policy entry of unknown kind " + e.kind());
            }
        }
        rules.sort((a, b) -> a.id().compareTo(b.id()));
        return new MirrorPolicy(rules, reserved, allowed);
    }
}
