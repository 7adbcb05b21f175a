package io.mpsaas.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class CausesTest {

    @Test
    void chain_isTheFailureThenEachCause() {
        IOException root = new IOException("refused");
        UncheckedIOException middle = new UncheckedIOException(root);
        IllegalStateException top = new IllegalStateException("outer", middle);

        assertThat(Causes.chain(top)).containsExactly(top, middle, root);
        assertThat(Causes.root(top)).isSameAs(root);
        assertThat(Causes.find(top, IOException.class)).containsSame(root);
        assertThat(Causes.find(top, ArithmeticException.class)).isEmpty();
        assertThat(Causes.any(top, t -> "refused".equals(t.getMessage()))).isTrue();
    }

    @Test
    void aFailureWithoutCause_isItsOwnRoot_andNullHasNoChain() {
        IllegalStateException alone = new IllegalStateException();

        assertThat(Causes.root(alone)).isSameAs(alone);
        assertThat(Causes.chain(null)).isEmpty();
        assertThat(Causes.any(null, t -> true)).isFalse();
        assertThat(Causes.root(null)).isNull();
    }

    @Test
    void aCycleOfCauses_isReadOnce() {
        IllegalStateException a = new IllegalStateException("a");
        IllegalArgumentException b = new IllegalArgumentException("b", a);
        a.initCause(b);

        assertThat(Causes.chain(a)).containsExactly(a, b);
        assertThat(Causes.root(a)).isSameAs(b);
    }

    @Test
    void aChainDeeperThanTheLimit_isCut() {
        Throwable t = new IllegalStateException("innermost");
        for (int i = 0; i < 100; i++) {
            t = new IllegalStateException("level " + i, t);
        }

        assertThat(Causes.chain(t)).hasSize(Causes.MAX_DEPTH);
        assertThat(Causes.find(t, IllegalStateException.class)).get().isSameAs(t);
    }

    @Test
    void thrownBy_readsTheFramesOfEveryLink() {
        IllegalStateException inner = new IllegalStateException("inner");
        inner.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("io.netty.handler.codec.http.HttpObjectDecoder", "decode", "X.java", 1)});
        RuntimeException outer = new RuntimeException(inner);
        outer.setStackTrace(new StackTraceElement[0]);

        assertThat(Causes.thrownBy(outer, type -> type.startsWith("io.netty.handler.codec.http."))).isTrue();
        assertThat(Causes.thrownBy(outer, type -> type.startsWith("org.example."))).isFalse();
    }
}
