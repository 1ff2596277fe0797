package dev.cargoreg.local;

import java.nio.file.Path;

/** Command-line options of the local runner. */
record Options(int port, Path dataDir, String adminToken, boolean authRequired, boolean help, Path webDir) {
    static final int DEFAULT_PORT = 8787;

    Options(int port, Path dataDir, String adminToken, boolean authRequired, boolean help) {
        this(port, dataDir, adminToken, authRequired, help, null);
    }

    static Options parse(String[] args) {
        int port = DEFAULT_PORT;
        Path dataDir = Path.of(".registry-data");
        String token = null;
        boolean help = false;
        boolean authRequired = false;
        Path webDir = null;
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
                }
                case "--auth-required" -> authRequired = true;
                case "--web-dir" -> webDir = Path.of(value != null ? value : next(args, ++i, a)).toAbsolutePath().normalize();
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + a + " (try --help)");
            }
        }
        return new Options(port, dataDir.toAbsolutePath().normalize(), token, authRequired, help, webDir);
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
                                              [--web-dir DIR]

                  --port N             port on 127.0.0.1 (default %d; 0 picks a free port)
                  --data-dir DIR       where all state lives; it survives restarts (default ./.registry-data)
                  --admin-token TOKEN  the admin's token; otherwise one is generated on first start,
                                       kept in DIR/admin-token and printed
                  --auth-required      a private registry: the index, tarballs and every API call need a token
                  --web-dir DIR        serve the web UI from DIR (the repository's web/) instead of the jar's copy,
                                       read at every request: edit, reload (docs/web-ui.md)
                """.formatted(DEFAULT_PORT);
    }
}
