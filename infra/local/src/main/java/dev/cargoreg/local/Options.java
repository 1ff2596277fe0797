package dev.cargoreg.local;

import dev.cargoreg.core.RegistryConfig;
import dev.cargoreg.core.mirror.MirrorConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Command-line options of the local runner. */
record Options(int port, Path dataDir, String adminToken, boolean authRequired, boolean help, String trustedIssuers,
               URI webhook, long maxCrateBytes, Path webDir, MirrorConfig mirror, Duration downloadsInterval) {
    static final int DEFAULT_PORT = 8787;
    /** How often the CDN emulator's access log is written and new log files are counted (docs/downloads.md). */
    static final Duration DEFAULT_DOWNLOADS_INTERVAL = Duration.ofSeconds(5);

    /** Options as the command line's defaults give them, for {@code dataDir}; change them with the builder's setters. */
    static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Builds options without a command line (tests, embedding); every setter defaults as the command line does. */
    static final class Builder {
        private int port;
        private final Path dataDir;
        private String adminToken;
        private boolean authRequired;
        private String trustedIssuers;
        private URI webhook;
        private long maxCrateBytes = RegistryConfig.Limits.DEFAULT_MAX_CRATE_BYTES;
        private Path webDir;
        private MirrorConfig mirror = MirrorConfig.off();
        private Duration downloadsInterval = DEFAULT_DOWNLOADS_INTERVAL;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        /** Port on 127.0.0.1; 0 (the builder's default, unlike the command line's) picks a free one. */
        Builder port(int port) {
            this.port = port;
            return this;
        }

        Builder adminToken(String adminToken) {
            this.adminToken = adminToken;
            return this;
        }

        Builder authRequired(boolean authRequired) {
            this.authRequired = authRequired;
            return this;
        }

        Builder trustedIssuers(String trustedIssuers) {
            this.trustedIssuers = trustedIssuers;
            return this;
        }

        Builder webhook(URI webhook) {
            this.webhook = webhook;
            return this;
        }

        Builder maxCrateBytes(long maxCrateBytes) {
            this.maxCrateBytes = maxCrateBytes;
            return this;
        }

        Builder webDir(Path webDir) {
            this.webDir = webDir;
            return this;
        }

        Builder mirror(MirrorConfig mirror) {
            this.mirror = mirror;
            return this;
        }

        Builder downloadsInterval(Duration downloadsInterval) {
            this.downloadsInterval = downloadsInterval;
            return this;
        }

        Options build() {
            return new Options(port, dataDir, adminToken, authRequired, false, trustedIssuers, webhook, maxCrateBytes,
                    webDir, mirror, downloadsInterval);
        }
    }

    static Options parse(String[] args) {
        int port = DEFAULT_PORT;
        Path dataDir = Path.of(".registry-data");
        String token = null;
        boolean help = false;
        boolean authRequired = false;
        String issuers = null;
        URI webhook = null;
        long maxCrateBytes = RegistryConfig.Limits.DEFAULT_MAX_CRATE_BYTES;
        Path webDir = null;
        String upstream = null;
        Duration mirrorTtl = null;
        boolean mirrorOffline = false;
        List<String> reserved = List.of();
        Set<String> allowPrivate = Set.of();
        Duration downloadsInterval = DEFAULT_DOWNLOADS_INTERVAL;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--port" -> {
                    String v = value != null ? value : next(args, ++i, a);
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port needs a number, got " + v);
                    }
                    if (port < 0 || port > 65535) {
                        throw new IllegalArgumentException("--port must be 0 to 65535");
                    }
                }
                case "--data-dir" -> dataDir = Path.of(value != null ? value : next(args, ++i, a));
                case "--admin-token" -> {
                    token = value != null ? value : next(args, ++i, a);
                    if (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                        throw new IllegalArgumentException("--admin-token must be printable ASCII without spaces");
                    }
                    if (token.length() < AdminToken.MIN_LENGTH) {
                        throw new IllegalArgumentException("--admin-token must be at least " + AdminToken.MIN_LENGTH
                                + " characters long");
                    }
                }
                case "--auth-required" -> authRequired = true;
                case "--trusted-issuer" -> {
                    String v = value != null ? value : next(args, ++i, a);
                    // checked now, so a bad value is a usage error before anything starts
                    RegistryConfig.builder("t", "b", "http://127.0.0.1", "http://127.0.0.1").addTrustedIssuers(v);
                    issuers = issuers == null ? v : issuers + "," + v;
                }
                case "--webhook" -> {
                    String v = value != null ? value : next(args, ++i, a);
                    try {
                        webhook = new URI(v);
                    } catch (URISyntaxException e) {
                        throw new IllegalArgumentException("--webhook needs a URL, got " + v);
                    }
                    if (!"http".equals(webhook.getScheme()) && !"https".equals(webhook.getScheme())) {
                        throw new IllegalArgumentException("--webhook needs an http:// or https:// URL, got " + v);
                    }
                }
                case "--max-crate-bytes" -> {
                    String v = value != null ? value : next(args, ++i, a);
                    try {
                        maxCrateBytes = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--max-crate-bytes needs a number, got " + v);
                    }
                    if (maxCrateBytes < 1024) {
                        throw new IllegalArgumentException("--max-crate-bytes must be at least 1024");
                    }
                }
                case "--web-dir" -> webDir = Path.of(value != null ? value : next(args, ++i, a)).toAbsolutePath().normalize();
                case "--upstream" -> upstream = value != null ? value : next(args, ++i, a);
                case "--mirror-ttl" -> {
                    String v = value != null ? value : next(args, ++i, a);
                    try {
                        mirrorTtl = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--mirror-ttl needs seconds, got " + v);
                    }
                }
                case "--mirror-offline" -> mirrorOffline = true;
                case "--mirror-reserved" -> reserved = List.of((value != null ? value : next(args, ++i, a)).split(","));
                case "--mirror-allow-private" -> allowPrivate = Set.of((value != null ? value : next(args, ++i, a)).split(","));
                case "--downloads-interval" -> {
                    String v = value != null ? value : next(args, ++i, a);
                    try {
                        downloadsInterval = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--downloads-interval needs seconds, got " + v);
                    }
                    if (downloadsInterval.toMillis() < 100 || downloadsInterval.toSeconds() > 60) {
                        throw new IllegalArgumentException("--downloads-interval must be 0.1 to 60 seconds");
                    }
                }
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
            }
        }
        MirrorConfig mirror = MirrorConfig.off();
        if (upstream != null) {
            try {
                mirror = MirrorConfig.of(upstream).withTtl(mirrorTtl).withOffline(mirrorOffline).withReserved(reserved)
                        .withAllowedPrivate(allowPrivate);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--upstream: " + e.getMessage());
            }
        } else if (mirrorTtl != null || mirrorOffline || !reserved.isEmpty() || !allowPrivate.isEmpty()) {
            throw new IllegalArgumentException("the --mirror-* options need --upstream");
        }
        return new Options(port, dataDir.toAbsolutePath().normalize(), token, authRequired, help, issuers, webhook,
                maxCrateBytes, webDir, mirror, downloadsInterval);
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    static String usage() {
        return """
                Usage: java -jar registry-local.jar [--port N] [--data-dir DIR] [--admin-token TOKEN] [--auth-required]
                                                 [--webhook URL]
                                                 [--max-crate-bytes N]
                                                 [--web-dir DIR] [--downloads-interval S]
                                                 [--upstream URL [--mirror-ttl S] [--mirror-offline]
                                                  [--mirror-reserved P,…] [--mirror-allow-private N,…]]

                  --port N             port on 127.0.0.1 (default %d; 0 picks a free port)
                  --data-dir DIR       where all state lives; it survives restarts (default ./.registry-data)
                  --admin-token TOKEN  the admin's token (at least 32 characters; it replaces the previous
                                       one); otherwise one is generated on first start,
                                       kept in DIR/admin-token and printed
                  --auth-required      a private registry: the index, tarballs and every API call need a token
                  --trusted-issuer P=URL  trusted publishing: also accept OIDC tokens of this issuer (P = github
                                       or gitlab; e.g. GitHub Enterprise Server); repeatable
                  --webhook URL        POST every change from now on to URL, as the events of the deployed
                                       registry's EventBridge bus (crate.published, crate.yanked, ...)
                  --max-crate-bytes N  the largest .crate accepted (default 10 MiB, as crates.io; larger than
                                       4.4 MiB goes through `registry-admin push`)
                  --web-dir DIR        serve the web UI from DIR (the repository's web/) instead of the jar's copy,
                                       read at every request: edit, reload (docs/web-ui.md)
                  --downloads-interval S  how often the CDN's access log is written to the emulated S3 and new
                                       log files are counted as downloads (default 5)
                  --upstream URL       also serve a pull-through mirror of this sparse registry (e.g.
                                       sparse+https://index.crates.io/) at /mirror/index/; off unless given
                  --mirror-ttl S       serve a cached index file this many seconds before asking upstream (default 60)
                  --mirror-offline     serve only what the mirror has cached; never ask upstream
                  --mirror-reserved P  names the mirror never serves (comma-separated; `acme-*` is a prefix)
                  --mirror-allow-private N  names that may be published privately although upstream has them
                """.formatted(DEFAULT_PORT);
    }
}
