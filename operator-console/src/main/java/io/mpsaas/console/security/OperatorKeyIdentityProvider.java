package io.mpsaas.console.security;

import io.mpsaas.console.config.ConsoleConfig;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

/**
 * Signs operators in: Quarkus's form authentication hands over the name and key entered on the login page, and this
 * provider accepts them when the key is one of {@code suite.console.operator-keys}. The identity is named
 * {@code <name> (key <key id>, since <sign-in minute>)} (what the log says of who re-drove or replayed what) with the
 * role {@value #ROLE}. The key itself goes nowhere: Quarkus keeps only that name in its encrypted cookie, and
 * {@link OperatorSessionIdentityProvider} restores the identity from it while the key is still configured and the
 * sign-in is younger than {@code suite.console.session-max-age}.
 */
@ApplicationScoped
public class OperatorKeyIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    /** The role every signed-in operator has; the console's pages require it. */
    public static final String ROLE = "operator";
    /** Identity attribute: the key's id, the first 8 hex digits of its SHA-256. */
    public static final String KEY_ID = "keyId";
    /** Longest operator name accepted. */
    static final int MAX_NAME = 64;

    private final ConsoleConfig config;
    private final Clock clock;

    @Inject
    public OperatorKeyIdentityProvider(ConsoleConfig config) {
        this(config, Clock.systemUTC());
    }

    OperatorKeyIdentityProvider(ConsoleConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String name = request.getUsername() == null ? "" : request.getUsername().strip();
        char[] key = request.getPassword() == null ? new char[0] : request.getPassword().getPassword();
        String presented = new String(key);
        if (!validName(name) || !matches(presented, config.operatorKeys().orElse(List.of()))) {
            // the key's id says whether one wrong key is tried again and again, without revealing it
            Log.warnf("Console sign-in refused: the name or key entered is not an operator's (key %s)",
                    keyId(presented));
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        String keyId = keyId(presented);
        String principal = principal(name, keyId, clock.instant());
        Log.infof("Console sign-in of operator %s", principal);
        return Uni.createFrom().item(identity(principal, keyId));
    }

    /** The identity's name: {@code <name> (key <key id>, since <the sign-in's minute, UTC>)}. */
    static String principal(String name, String keyId, Instant signedIn) {
        return name + " (key " + keyId + ", since " + signedIn.truncatedTo(ChronoUnit.MINUTES) + ")";
    }

    /** The signed-in operator's identity: its name, as the log shows it, its key's id and the operator role. */
    static SecurityIdentity identity(String principal, String keyId) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(principal)).addRole(ROLE)
                .addAttribute(KEY_ID, keyId).build();
    }

    /** A name of 1..64 printable characters, no control characters (it reaches the log). */
    static boolean validName(String name) {
        return !name.isEmpty() && name.length() <= MAX_NAME && name.chars().noneMatch(Character::isISOControl);
    }

    /** Whether the key is one of {@code keys}; every key compared in full, whatever matched before. */
    static boolean matches(String presented, List<String> keys) {
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (String key : keys) {
            if (!key.isBlank()) {
                match |= MessageDigest.isEqual(given, key.strip().getBytes(StandardCharsets.UTF_8));
            }
        }
        return match && given.length > 0;
    }

    /** The key's id: the first 8 hex digits of its SHA-256, which names it in logs without revealing it. */
    public static String keyId(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
