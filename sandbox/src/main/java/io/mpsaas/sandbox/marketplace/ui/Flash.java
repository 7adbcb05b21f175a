package io.mpsaas.sandbox.marketplace.ui;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message shown after an action (POST-redirect-GET). Messages stay on the server and the redirect carries only
 * a random key, so no text (and never a registration token) travels in a URL.
 *
 * @param success whether the action worked (green) or not (red)
 * @param message one line for a person
 * @param detail  optional preformatted text (e.g. the metering service's answer), may be null
 */
record Flash(boolean success, String message, String detail) {

    static Flash ok(String message) {
        return new Flash(true, message, null);
    }

    static Flash error(String message) {
        return new Flash(false, message, null);
    }

    /** The last few hundred messages by key; older ones are forgotten (a reload after that shows none). */
    static final class Store {

        private static final int CAPACITY = 256;

        private final SecureRandom random = new SecureRandom();
        private final Map<String, Flash> entries = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Flash> eldest) {
                return size() > CAPACITY;
            }
        };

        synchronized String put(Flash flash) {
            byte[] key = new byte[12];
            random.nextBytes(key);
            String k = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
            entries.put(k, flash);
            return k;
        }

        synchronized Flash get(String key) {
            return key == null ? null : entries.get(key);
        }
    }
}
