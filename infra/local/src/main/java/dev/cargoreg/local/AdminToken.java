package dev.cargoreg.local;

import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.audit.AuditRecord.Action;
import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;
import dev.cargoreg.core.wiring.RegistryServices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

/**
 * The local administrator and their token. The first start bootstraps the registry exactly as the bootstrap function
 * does in AWS (same service, same marker). The token is the one given with `--admin-token`, the one kept in
 * DIR/admin-token from an earlier start, or a new one; it is an ordinary stored token with an id, so it can be listed
 * and revoked, and a new `--admin-token` revokes the one it replaces (and any other token the runner made for the
 * admin), so exactly one is valid. A chosen secret shorter than 32 characters or already revoked is refused.
 */
final class AdminToken {
    static final String ADMIN = "admin";
    private static final String FILE = "admin-token";
    /** The names of the tokens the runner manages: the first start's and each later replacement's. */
    private static final String BOOTSTRAP = "bootstrap";
    private static final String RUNNER_TOKEN = "local admin";
    /** An operator-chosen secret must be at least this long. */
    static final int MIN_LENGTH = 32;

    private AdminToken() {
    }

    static String ensure(RegistryServices services, Path dataDir, String given) {
        if (given != null && given.length() < MIN_LENGTH) {
            // a short secret is guessable; generated tokens are 41 characters
            throw new LocalRegistry.StartupException("the --admin-token must be at least " + MIN_LENGTH
                    + " characters long (it is " + given.length() + ")", null);
        }
        Path file = dataDir.resolve(FILE);
        String kept = read(file);
        MetadataStore store = services.store();
        if (store.findUser(ADMIN).isEmpty()) {
            String secret = services.bootstrap().bootstrap(ADMIN, "Registry administrator", given).token();
            write(file, secret);
            return secret;
        }
        String secret = given != null ? given : kept;
        Optional<TokenRecord> stored = secret == null ? Optional.empty() : store.findToken(Tokens.sha256Hex(secret));
        if (stored.isPresent() && !ADMIN.equals(stored.get().login())) {
            throw new LocalRegistry.StartupException("the --admin-token given is another user's token; choose a new secret", null);
        }
        if (given != null && stored.isPresent() && stored.get().revoked()) {
            throw new LocalRegistry.StartupException("the --admin-token given was revoked; choose a new secret", null);
        }
        if (stored.isEmpty() || stored.get().revoked()) {
            secret = secret == null || stored.isPresent()
                    ? services.tokenMint().mint(ADMIN, RUNNER_TOKEN, null, null, null).secret()
                    : services.tokenMint().adopt(secret, ADMIN, RUNNER_TOKEN).secret();
        }
        // Exactly one runner-managed admin token stays valid: every other bootstrap or local-admin token of the admin
        // (an earlier --admin-token, the generated one, one from a data dir whose admin-token file was lost) stops
        // working. Tokens the admin created through the API are theirs to keep or revoke.
        String current = Tokens.sha256Hex(secret);
        for (TokenRecord t : store.listTokens(ADMIN)) {
            if (!t.revoked() && !t.sha256().equals(current) && (BOOTSTRAP.equals(t.name()) || RUNNER_TOKEN.equals(t.name()))) {
                Instant now = services.clock().instant();
                // the runner does it at startup, for the admin: no token was used (id 0), no request (no IP)
                store.revokeToken(ADMIN, t.id(), now, AuditRecord.of(Action.TOKEN_REVOKED, ADMIN, 0, null, null,
                        "token `" + t.name() + "` (id " + t.id() + ") of " + ADMIN + " (replaced by the local runner)", now));
            }
        }
        if (!secret.equals(kept)) {
            write(file, secret);
        }
        return secret;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mode 600, written whole or not at all (a kill mid-write must not leave half a token). */
    private static void write(Path file, String secret) {
        try {
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                // created private, before the secret is in it
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
