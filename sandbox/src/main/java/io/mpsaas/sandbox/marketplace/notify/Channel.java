package io.mpsaas.sandbox.marketplace.notify;

/** The two ways AWS Marketplace tells a seller about lifecycle changes. */
public enum Channel {
    SNS,
    EVENTBRIDGE
}
