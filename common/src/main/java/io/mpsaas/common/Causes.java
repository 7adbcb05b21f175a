package io.mpsaas.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A failure's chain of causes, read one way everywhere: the failure first, then each cause, stopping at a cycle (a
 * cause met twice, a throwable that is its own cause) or after {@link #MAX_DEPTH} links.
 */
public final class Causes {

    /** The longest chain read: a deeper one is cut there (no real failure nests this deep). */
    public static final int MAX_DEPTH = 32;

    private Causes() {
    }

    /** {@code failure} and its causes, outermost first; empty for null. */
    public static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && chain.size() < MAX_DEPTH && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** The first throwable of the chain of the given type. */
    public static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        return chain(failure).stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Whether a throwable of the chain matches. */
    public static boolean any(Throwable failure, Predicate<Throwable> test) {
        return chain(failure).stream().anyMatch(test);
    }

    /** Whether a throwable of the chain was thrown by (has a frame in) a class whose name matches. */
    public static boolean thrownBy(Throwable failure, Predicate<String> className) {
        return any(failure, t -> {
            for (StackTraceElement frame : t.getStackTrace()) {
                if (className.test(frame.getClassName())) {
                    return true;
                }
            }
            return false;
        });
    }

    /** The innermost cause ({@code failure} itself when it has none). */
    public static Throwable root(Throwable failure) {
        List<Throwable> chain = chain(failure);
        return chain.isEmpty() ? null : chain.get(chain.size() - 1);
    }
}
