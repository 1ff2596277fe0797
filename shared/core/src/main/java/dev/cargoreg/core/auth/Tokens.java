package dev.cargoreg.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Token secrets: generated with 256 bits of randomness behind a recognizable prefix, stored only as SHA-256. */
public final class Tokens {
    /** Secret scanners can look for this prefix. */
    public static final String PREFIX = "cargoreg_";
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Tokens() {
    }

    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 43 characters from a 62-letter alphabet: more than 256 bits. */
    public static String generate(SecureRandom random) {
        StringBuilder sb = new StringBuilder(PREFIX);
        for (int i = 0; i < 43; i++) {
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }
}
