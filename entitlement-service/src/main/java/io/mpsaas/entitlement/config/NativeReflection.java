package io.mpsaas.entitlement.config;

import io.mpsaas.entitlement.messaging.Effects;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Registers for native executables the JSON types entitlement-service reads and writes with the ObjectMapper outside
 * REST signatures: the pending effects (events, commands) it keeps in the inbox until they are sent. Their parts are
 * common's types, registered by {@code io.mpsaas.common.NativeReflection}.
 */
@RegisterForReflection(targets = {Effects.class})
public final class NativeReflection {

    private NativeReflection() {
    }
}
