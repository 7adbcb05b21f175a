package io.mpsaas.console.rest;

/** Input an operator can correct (an empty search, a stale page link): a 400 page showing this message. */
public class ConsoleInputException extends RuntimeException {

    public ConsoleInputException(String message) {
        super(message);
    }
}
