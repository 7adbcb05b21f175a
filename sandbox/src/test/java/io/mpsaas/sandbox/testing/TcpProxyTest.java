package io.mpsaas.sandbox.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

    private HttpServer server;
    private TcpProxy proxy;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        proxy = TcpProxy.to(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        proxy.close();
        server.stop(0);
    }

    private String get() throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri().resolve("/ping")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void forwards_refusesWhileCut_andForwardsAgainOnceRestored() throws Exception {
        // GIVEN a proxy in front of a server
        assertThat(get()).isEqualTo("pong");

        // WHEN it is cut, THEN nothing gets through
        proxy.cut();
        assertThat(proxy.isCut()).isTrue();
        assertThatThrownBy(this::get).isInstanceOf(IOException.class);

        // WHEN it is restored, THEN requests get through again
        proxy.restore();
        assertThat(get()).isEqualTo("pong");
    }
}
