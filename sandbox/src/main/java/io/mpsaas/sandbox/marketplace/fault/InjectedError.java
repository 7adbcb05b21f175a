package io.mpsaas.sandbox.marketplace.fault;

/** An error the fault injector decided to return instead of the real answer. */
public record InjectedError(String errorCode, int httpStatus, String message) { }
