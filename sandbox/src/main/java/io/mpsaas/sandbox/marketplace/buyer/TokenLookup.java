package io.mpsaas.sandbox.marketplace.buyer;

/** The outcome of looking up a registration token, as ResolveCustomer needs it. */
public sealed interface TokenLookup {

    /** The token is known and within its validity window. */
    record Valid(Subscription subscription) implements TokenLookup { }

    /** The token was issued but its validity window has passed. */
    record Expired() implements TokenLookup { }

    /** The token was never issued by this simulator (or was mangled on the way). */
    record Unknown() implements TokenLookup { }
}
