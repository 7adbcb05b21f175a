package io.mpsaas.common;

import io.mpsaas.common.customer.IdentityModel;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.messaging.CustomerEvent;
import io.mpsaas.common.messaging.CustomerIds;
import io.mpsaas.common.messaging.MeteringCommand;
import io.mpsaas.common.messaging.TraceContextSqsInterceptor;
import io.mpsaas.common.rest.Problem;
import io.mpsaas.common.webhook.WebhookDelivery;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Registers common's JSON types for reflection in native executables. The services write and read them with the
 * ObjectMapper (SQS message bodies, problem+json entities of a Response, webhook bodies and the parked deliveries' list), where Quarkus cannot see that Jackson needs
 * their constructors and accessors. deploy's NativeImageReflectionTest checks every service's native build has them.
 * The SQS client creates {@link TraceContextSqsInterceptor} ({@code quarkus.sqs.interceptors}) by its constructor.
 */
@RegisterForReflection(targets = {CustomerEvent.class, CustomerIds.class, MeteringCommand.class, Problem.class,
        Problem.FieldError.class, SubscriptionState.class, IdentityModel.class, TraceContextSqsInterceptor.class,
        WebhookDelivery.class, WebhookDelivery.Status.class})
public final class NativeReflection {

    private NativeReflection() {
    }
}
