package io.mpsaas.console.security;

import io.mpsaas.console.config.ConsoleConfig;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Makes an operator of whoever signed in with the identity provider (OpenID Connect, {@code suite.console.oidc.*}) and
 * is in its operator group: the role {@value OperatorKeyIdentityProvider#ROLE}, and a name as the log shows it,
 * {@code <the name claim> (sso)}. Anyone else signed in there keeps no role, so every console page answers "Not
 * allowed". Identities of an operator key pass unchanged.
 */
@ApplicationScoped
public class SsoOperatorAugmentor implements SecurityIdentityAugmentor {

    /** Identity attribute: true when the operator signed in with the identity provider. */
    public static final String SSO = "sso";

    private final ConsoleConfig config;

    public SsoOperatorAugmentor(ConsoleConfig config) {
        this.config = config;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(operator(identity, token, config.oidc()));
    }

    /** The identity the console works with for an identity provider's sign-in. */
    static SecurityIdentity operator(SecurityIdentity identity, JsonWebToken token, ConsoleConfig.Oidc oidc) {
        Object claim = token.getClaim(oidc.nameClaim());
        String name = claim == null ? token.getSubject() : claim.toString();
        if (name == null || !OperatorKeyIdentityProvider.validName(name)) {
            name = "unnamed";
        }
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(name + " (sso)")).addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes()).addAttribute(SSO, true);
        if (token.getGroups() != null && token.getGroups().contains(oidc.operatorGroup())) {
            builder.addRole(OperatorKeyIdentityProvider.ROLE);
        }
        return builder.build();
    }
}
