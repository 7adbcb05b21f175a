package io.mpsaas.console.security;

import io.mpsaas.console.config.ConsoleConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Restores a signed-in operator from Quarkus's encrypted sign-in cookie (which holds the identity's name,
 * {@code <name> (key <key id>, since <sign-in minute>)}, and its expiry): the identity again, as long as a configured
 * operator key still has that id and the sign-in began less than {@code suite.console.session-max-age} ago. Removing a
 * key from {@code suite.console.operator-keys} so ends its sessions at the next page; an active session ends at its
 * maximum age all the same (the operator signs in again).
 */
@ApplicationScoped
public class OperatorSessionIdentityProvider implements IdentityProvider<TrustedAuthenticationRequest> {

    private static final Pattern NAME = Pattern.compile(".+ \\(key ([0-9a-f]{8}), since ([0-9TZ:-]{17,20})\\)");

    /** How far another replica's clock may run ahead of this one's. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

    private final ConsoleConfig config;
    private final Clock clock;

    @Inject
    public OperatorSessionIdentityProvider(ConsoleConfig config) {
        this(config, Clock.systemUTC());
    }

    OperatorSessionIdentityProvider(ConsoleConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String principal = request.getPrincipal();
        if (!valid(principal)) {
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        Matcher m = NAME.matcher(principal);
        m.matches();
        return Uni.createFrom().item(OperatorKeyIdentityProvider.identity(principal, m.group(1)));
    }

    /** Whether a sign-in cookie's name still opens the console: its key configured, its sign-in young enough. */
    boolean valid(String principal) {
        Matcher m = principal == null ? null : NAME.matcher(principal);
        if (m == null || !m.matches() || config.operatorKeys().orElse(List.of()).stream()
                .filter(k -> !k.isBlank()).map(k -> OperatorKeyIdentityProvider.keyId(k.strip()))
                .noneMatch(m.group(1)::equals)) {
            return false;
        }
        try {
            Instant since = Instant.parse(m.group(2));
            return !since.isAfter(clock.instant().plus(CLOCK_SKEW))
                    && since.plus(config.sessionMaxAge()).isAfter(clock.instant());
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
