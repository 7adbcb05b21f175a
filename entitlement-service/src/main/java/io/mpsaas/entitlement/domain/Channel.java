package io.mpsaas.entitlement.domain;

/** How a notification reached the queue. */
public enum Channel {
    /** An SNS envelope (raw message delivery off), signature verified. */
    SNS,
    /** An SNS inner message delivered raw (no envelope, no signature). */
    SNS_RAW,
    /** An EventBridge event from {@code aws.agreement-marketplace} through a rule with an SQS target. */
    EVENTBRIDGE
}
