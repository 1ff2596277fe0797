package dev.cargoreg.core.publish;

import java.time.Instant;

/**
 * Which rules a publish follows. Every publish, push and import goes through the same {@link PublishService} code;
 * an administrator's import of a crate that already exists elsewhere (crates.io, another registry) relaxes exactly
 * these, because the crate was accepted there and refusing it here would break everything that depends on it:
 *
 * @param reservedNamesAllowed names reserved for new publishes (`compiler_builtins`, `core`…) are accepted
 * @param countLimitsRelaxed   no count limit on dependencies, features and feature values (winapi 0.3.9 has 399
 *                             features; crates.io's limit of 300 came later); every other check stays, including the
 *                             size of the version's stored item
 * @param publishedAt          the publish time to record (`pubtime`), or null for now
 */
public record PublishRules(boolean reservedNamesAllowed, boolean countLimitsRelaxed, Instant publishedAt) {
    /** `cargo publish` and push: every rule. */
    public static final PublishRules NEW_PUBLISH = new PublishRules(false, false, null);

    /** An administrator's import, keeping the source's publish time when it is known. */
    public static PublishRules adminImport(Instant publishedAt) {
        return new PublishRules(true, true, publishedAt);
    }
}
