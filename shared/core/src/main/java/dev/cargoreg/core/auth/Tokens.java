package dev.cargoreg.core.auth;

import dev.cargoreg.core.Digests;

import java.security.SecureRandom;

/** Token secrets: generated with 256 bits of randomness behind a recognizable prefix, stored only as SHA-256. */
public final class Tokens {
    /** Secret scanners can look for this prefix. */
    public static final String PREFIX = "cargoreg_";
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Tokens() {
    }

    /** What is stored of a secret. */
    public static String sha256Hex(String token) {
        return Digests.sha256Hex(token);
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
