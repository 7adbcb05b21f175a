/**
 * The onboarding rules without infrastructure: who a resolved buyer is, what a valid registration is, what a landing
 * failure means for the buyer. No AWS SDK, no JAX-RS (an ArchUnit test keeps it so).
 */
package io.mpsaas.onboarding.domain;
