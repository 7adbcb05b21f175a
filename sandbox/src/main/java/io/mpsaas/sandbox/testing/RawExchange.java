package io.mpsaas.sandbox.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * Sends bytes no HTTP client would (a malformed chunked body, say) to a service under test, and reads whatever comes
 * back until the server closes: the status line of a real answer, or nothing when the connection was dropped.
 */
public final class RawExchange {

    private RawExchange() {
    }

    /** Writes {@code request} as is to the service at {@code base} and answers all it sends back (empty if none). */
    public static String exchange(URL base, String request) {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(answer);
            } catch (java.net.SocketException reset) {
                // a reset after the answer: what was read is the answer
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A POST of {@code path} whose chunked body has a chunk size that is not hexadecimal. */
    public static String brokenChunks(String path, String headers) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "Transfer-Encoding: chunked\r\n\r\n"
                + "zz\r\nabc\r\n0\r\n\r\n";
    }
}
