package io.mpsaas.common.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The rules every key of the suite follows: how a key is named in a log ({@link #keyId}, never the key itself) and
 * which keys a production start refuses ({@link #problems}: shorter than {@value #MIN_LENGTH} characters, or one of the
 * development keys, which start with {@value #DEV_PREFIX}).
 */
public final class ApiKeys {

    /** Shortest key a production start accepts (characters): {@code openssl rand -hex 32} gives 64. */
    public static final int MIN_LENGTH = 32;
    /** Prefix of the development keys ({@code dev-app-key}, ...); refused in production. */
    public static final String DEV_PREFIX = "dev-";

    private ApiKeys() {
    }

    /** The key's id: the first 8 hex digits of its SHA-256, which names it in a log without revealing it. */
    public static String keyId(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.strip().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * What a production start refuses in the keys of {@code setting} (its property name): each problem names the
     * setting, its environment variable and the key's id, never the key.
     */
    public static List<String> problems(String setting, Optional<List<String>> keys) {
        List<String> problems = new ArrayList<>();
        for (String key : keys.orElse(List.of())) {
            String k = key.strip();
            if (k.isEmpty()) {
                continue;
            }
            if (k.startsWith(DEV_PREFIX)) {
                problems.add(setting + " (" + envName(setting) + ") holds a development key (key " + keyId(k)
                        + ", starting with " + DEV_PREFIX + "); set random keys in production");
            } else if (k.length() < MIN_LENGTH) {
                problems.add(setting + " (" + envName(setting) + ") holds a key shorter than " + MIN_LENGTH
                        + " characters (key " + keyId(k) + "); use e.g. openssl rand -hex 32");
            }
        }
        return problems;
    }

    /** The environment variable of a property, as SmallRye Config maps it: suite.api.admin-keys -> SUITE_API_ADMIN_KEYS. */
    static String envName(String setting) {
        return setting.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }
}
