package io.mpsaas.sandbox.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The kernel's view of listening sockets, read back for sockets this test binds. */
class ListeningSocketsTest {

    @Test
    void addresses_tellsLoopbackFromEveryInterface() throws Exception {
        try (ServerSocket loopback = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                ServerSocket any = new ServerSocket()) {
            any.bind(new InetSocketAddress("0.0.0.0", 0));

            assertThat(ListeningSockets.addresses(loopback.getLocalPort()))
                    .containsExactly(InetAddress.getByName("127.0.0.1"));
            assertThat(ListeningSockets.addresses(any.getLocalPort())).isNotEmpty()
                    .allMatch(InetAddress::isAnyLocalAddress);
        }
    }
}
