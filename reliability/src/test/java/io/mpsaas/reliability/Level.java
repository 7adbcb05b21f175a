package io.mpsaas.reliability;

/**
 * How hard the suites push: {@link #SHORT} in every build (a handful of kills, a few hundred hostile inputs, one
 * outage per dependency), {@link #FULL} with {@code -Preliability} (system property {@code reliability.level=full}).
 */
enum Level {
    SHORT,
    FULL;

    static Level current() {
        return "full".equalsIgnoreCase(System.getProperty("reliability.level", "short")) ? FULL : SHORT;
    }

    /** {@code shortValue} in the normal build, {@code fullValue} in the reliability profile. */
    int pick(int shortValue, int fullValue) {
        return this == FULL ? fullValue : shortValue;
    }
}
