package dev.cargoreg.core.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.json.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Whether an upstream index file is one cargo can use, before it is stored: UTF-8, every line a JSON object of the
 * requested crate with a version and a SHA-256. Only checked, never rewritten: the stored bytes are upstream's.
 */
final class IndexFileCheck {
    private static final Pattern CKSUM = Pattern.compile("[0-9a-f]{64}");

    private IndexFileCheck() {
    }

    /** What is wrong with {@code body} as the index file of {@code name}; null when nothing is. */
    static String problem(byte[] body, String name) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return "not UTF-8";
        }
        String canonical = CrateName.canonical(name);
        int lines = 0;
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = Json.readTree(line);
            } catch (IOException e) {
                return "line " + lineNo + " is not JSON";
            }
            if (n == null || !n.isObject()) {
                return "line " + lineNo + " is not a JSON object";
            }
            if (!n.path("name").isTextual() || !CrateName.canonical(n.path("name").asText()).equals(canonical)) {
                return "line " + lineNo + " is not a version of `" + name + "`";
            }
            if (!n.path("vers").isTextual() || n.path("vers").asText().isBlank()) {
                return "line " + lineNo + " has no version";
            }
            if (!CKSUM.matcher(n.path("cksum").asText("")).matches()) {
                return "line " + lineNo + " has no SHA-256 checksum";
            }
            lines++;
        }
        return lines == 0 ? "no versions" : null;
    }
}
