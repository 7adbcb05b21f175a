package io.mpsaas.console.security;

import io.mpsaas.console.config.ConsoleConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Restores a signed-in operator from Quarkus's encrypted sign-in cookie (which holds the identity's name,
 * {@code <name> (key <key id>)}, and its expiry): the identity again, as long as a configured operator key still has
 * that id. Removing a key from {@code suite.console.operator-keys} so ends its sessions at the next page.
 */
@ApplicationScoped
public class OperatorSessionIdentityProvider implements IdentityProvider<TrustedAuthenticationRequest> {

    private static final Pattern NAME = Pattern.compile(".+ \\(key ([0-9a-f]{8})\\)");

    private final ConsoleConfig config;

    public OperatorSessionIdentityProvider(ConsoleConfig config) {
        this.config = config;
    }

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String principal = request.getPrincipal();
        Matcher m = principal == null ? null : NAME.matcher(principal);
        if (m == null || !m.matches() || config.operatorKeys().orElse(List.of()).stream()
                .filter(k -> !k.isBlank()).map(k -> OperatorKeyIdentityProvider.keyId(k.strip()))
                .noneMatch(m.group(1)::equals)) {
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        return Uni.createFrom().item(OperatorKeyIdentityProvider.identity(principal, m.group(1)));
    }
}
