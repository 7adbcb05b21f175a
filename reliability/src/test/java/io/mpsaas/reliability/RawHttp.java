package io.mpsaas.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Bytes on a socket, for what an HTTP client library refuses to send: truncated bodies, invalid UTF-8, raw paths,
 * huge headers, broken chunked encoding.
 */
final class RawHttp {

    private RawHttp() {
    }

    /**
     * Sends {@code head} (CRLF line ends added) and {@code body}, optionally half-closes, and reads the status line:
     * {@code -1} when the server closed or said nothing within five seconds.
     */
    static Suite.Answer exchange(URI service, String head, byte[] body, boolean halfClose) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(service.getHost(), service.getPort()), 3_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            try {
                while (answer.size() < 65_536 && (n = in.read(buffer)) >= 0) {
                    answer.write(buffer, 0, n);
                    if (answer.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        break;
                    }
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // nothing (more) said
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            if (!text.startsWith("HTTP/1.")) {
                return new Suite.Answer(-1, null, text);
            }
            return new Suite.Answer(Integer.parseInt(text.substring(9, 12)), null, text);
        } catch (IOException e) {
            return new Suite.Answer(-1, null, e.toString());
        }
    }
}
