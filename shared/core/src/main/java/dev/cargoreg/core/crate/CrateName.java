package dev.cargoreg.core.crate;

import dev.cargoreg.core.error.RegistryException;

import java.util.Locale;
import java.util.Set;

/** crates.io's crate-name rules, and the canonical form that decides uniqueness. */
public final class CrateName {
    /** crates.io's reserved names, compared canonically, plus Windows device names. */
    /** crates.io's MAX_NAME_LENGTH: crate names, dependency names and renames. */
    public static final int MAX_LENGTH = 64;

    private static final Set<String> RESERVED = Set.of(
            "alloc", "arena", "ast", "builtins", "collections", "compiler_builtins", "compiler_rt", "compiletest",
            "core", "coretest", "debug", "driver", "flate", "fmt_macros", "grammar", "graphviz", "macro", "macros",
            "proc_macro", "rbml", "rust_installer", "rustbook", "rustc", "rustc_back", "rustc_borrowck", "rustc_driver",
            "rustc_llvm", "rustc_resolve", "rustc_trans", "rustc_typeck", "rustdoc", "rustllvm", "rustuv", "serialize",
            "std", "syntax", "test", "unicode",
            "nul", "con", "prn", "aux",
            "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    private CrateName() {
    }

    /** Lowercase, with `-` and `_` the same: `Foo-Bar` and `foo_bar` are one crate. */
    public static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** Validates a name for publishing: syntax, length and reserved names. */
    public static void validateForPublish(String name, int maxLength) {
        validateSyntax(name, maxLength, "crate name");
        if (RESERVED.contains(canonical(name))) {
            throw RegistryException.badRequest("cannot upload a crate with a reserved name: `" + name + "`");
        }
    }

    /**
     * Validates the name of a crate an administrator imports: syntax and length only. Reserved names are reserved for
     * new publishes; crates.io itself hosts some (`compiler_builtins`), and a mirror of it must hold them.
     */
    public static void validateForImport(String name, int maxLength) {
        validateSyntax(name, maxLength, "crate name");
    }

    /** Validates a dependency's package name (reserved names are fine there: they may live in other registries). */
    public static void validateDependencyName(String name, int maxLength) {
        validateSyntax(name, maxLength, "dependency name");
    }

    /** A rename alias (`explicit_name_in_toml`): like a crate name, but it may also start with `_`. */
    public static void validateAlias(String alias, int maxLength) {
        if (alias == null || alias.isEmpty()) {
            throw RegistryException.badRequest("the dependency alias cannot be empty");
        }
        if (alias.length() > maxLength) {
            throw RegistryException.badRequest("the dependency alias `" + alias + "` is too long (max " + maxLength + " characters)");
        }
        char first = alias.charAt(0);
        if (!(isAsciiLetter(first) || first == '_')) {
            throw RegistryException.badRequest("invalid character `" + first + "` in dependency alias: `" + alias
                    + "`, the first character must be an ASCII letter or `_`");
        }
        checkRest(alias, "dependency alias");
    }

    private static void validateSyntax(String name, int maxLength, String what) {
        if (name == null || name.isEmpty()) {
            throw RegistryException.badRequest("the " + what + " cannot be empty");
        }
        if (name.length() > maxLength) {
            throw RegistryException.badRequest("the " + what + " `" + name + "` is too long (max " + maxLength + " characters)");
        }
        char first = name.charAt(0);
        if (first >= '0' && first <= '9') {
            throw RegistryException.badRequest("the " + what + " `" + name + "` cannot start with a digit");
        }
        if (!isAsciiLetter(first)) {
            throw RegistryException.badRequest("invalid character `" + printable(first) + "` in " + what + ": `" + name
                    + "`, the first character must be an ASCII letter");
        }
        checkRest(name, what);
    }

    private static void checkRest(String name, String what) {
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                throw RegistryException.badRequest("invalid character `" + printable(c) + "` in " + what + ": `" + name
                        + "`, characters must be an ASCII alphanumeric character, `-`, or `_`");
            }
        }
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String printable(char c) {
        return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
