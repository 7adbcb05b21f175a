package io.mpsaas.sandbox;

/** Placeholder. */
public final class SandboxMain {
    public static void main(String[] args) {
    }
}
