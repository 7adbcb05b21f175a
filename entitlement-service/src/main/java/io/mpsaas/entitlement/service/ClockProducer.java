package io.mpsaas.entitlement.service;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The service's clock (UTC), injected wherever time decides something, so unit tests can fix it. */
@jakarta.enterprise.context.Dependent
public class ClockProducer {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
