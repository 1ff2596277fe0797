package dev.cargoreg.local;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every write of MetadataStore takes an audit record, and a null one writes none: test fixtures and the benchmarks seed
 * through the test jar's {@code Unaudited}. No production source (core, the AWS adapters, the functions, the local
 * runner) may pass a literal {@code null} as the record, nor reach {@code Unaudited}: every change writes its record in
 * its own transaction.
 */
class NoUnauditedWriteTest {
    /** Method → its number of arguments, the audit record last. */
    private static final Map<String, Integer> AUDITED_ARITY = Map.of(
            "commitPublish", 2, "commitYank", 2, "commitOwners", 2, "commitRemoval", 2,
            "createToken", 2, "revokeToken", 4, "createUser", 5,
            "setUserDisabled", 4, "deleteUser", 2, "createTrustConfig", 2);
    // a call on the store: `store.x(`, `store().x(`, `metadataStore.x(` …
    private static final Pattern CALL = Pattern.compile("(?i)store(?:\\(\\))?\\s*\\.\\s*(" + String.join("|",
            AUDITED_ARITY.keySet()) + "|deleteTrustConfig)\\(");

    @Test
    void no_production_source_writes_a_change_without_its_audit_record() throws IOException {
        Path root = Path.of("../..");
        List<Path> dirs = new ArrayList<>(List.of(root.resolve("shared/core/src/main"), root.resolve("shared/aws/src/main"),
                root.resolve("infra/local/src/main")));
        try (Stream<Path> functions = Files.list(root.resolve("functions"))) {
            functions.map(f -> f.resolve("src/main")).filter(Files::isDirectory).forEach(dirs::add);
        }
        List<String> offenders = new ArrayList<>();
        int calls = 0;
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String src = Files.readString(f);
                    if (src.contains("Unaudited.of(") || src.contains("testing.Unaudited;")) {
                        offenders.add(root.relativize(f) + ": uses the test fixtures' Unaudited");
                    }
                    Matcher m = CALL.matcher(src);
                    while (m.find()) {
                        calls++;
                        List<String> args = arguments(src, m.end());
                        String method = m.group(1);
                        boolean nullRecord = args.size() == AUDITED_ARITY.getOrDefault(method, 2)
                                && args.get(args.size() - 1).strip().equals("null");
                        if (nullRecord) {
                            offenders.add(root.relativize(f) + ": " + method + "(" + String.join(",", args) + ")");
                        }
                    }
                }
            }
        }
        assertTrue(calls >= 15, "the scan finds the store's write calls (found " + calls + ")");
        assertEquals(List.of(), offenders, "changes written without their audit record");
    }

    /** The top-level arguments of the call whose '(' ends at {@code start}. */
    private static List<String> arguments(String src, int start) {
        List<String> args = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (int i = start; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '"') {
                int end = src.indexOf('"', i + 1);
                while (end > 0 && src.charAt(end - 1) == '\\') {
                    end = src.indexOf('"', end + 1);
                }
                cur.append(src, i, end + 1);
                i = end;
                continue;
            }
            if (c == '(' || c == '{' || c == '[' || c == '<' && Character.isUpperCase(src.charAt(i + 1))) {
                depth++;
            } else if (c == ')' || c == '}' || c == ']' || c == '>' && depth > 0 && src.charAt(i - 1) != '-') {
                if (depth == 0 && c == ')') {
                    if (!cur.toString().isBlank()) {
                        args.add(cur.toString());
                    }
                    return args;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                args.add(cur.toString());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        return args;
    }
}
