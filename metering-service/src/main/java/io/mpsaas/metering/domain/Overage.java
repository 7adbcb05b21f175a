package io.mpsaas.metering.domain;

/**
 * What a contract with consumption bills for one hour: the usage beyond the contracted quantity of the entitled
 * dimension, rounded up to a whole unit (AWS quantities are integers); never below zero.
 */
public final class Overage {

    private Overage() {
    }

    public static long billed(long hourlyUsage, double entitled) {
        if (entitled <= 0) {
            return hourlyUsage;
        }
        double beyond = hourlyUsage - entitled;
        return beyond <= 0 ? 0 : (long) Math.ceil(beyond);
    }
}
