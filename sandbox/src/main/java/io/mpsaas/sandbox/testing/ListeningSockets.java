package io.mpsaas.sandbox.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The addresses this machine's sockets listen on for a port, as the kernel reports them ({@code /proc/net/tcp} and
 * {@code tcp6}, Linux): what tests read to prove a local run is reachable from this machine only.
 */
public final class ListeningSockets {

    /** {@code st} of a listening socket in /proc/net/tcp. */
    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /** Every local address a socket listens on {@code port} at ({@code 0.0.0.0} or {@code ::} for every interface). */
    public static Set<InetAddress> addresses(int port) {
        Set<InetAddress> found = new LinkedHashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(file)) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length < 4 || !LISTEN.equals(fields[3]) || !fields[1].contains(":")) {
                        continue;
                    }
                    String[] local = fields[1].split(":");
                    if (Integer.parseInt(local[1], 16) == port) {
                        found.add(address(local[0]));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    /** The kernel prints each 32-bit word of the address in host (little-endian) byte order. */
    private static InetAddress address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = (word * 4 + (3 - i)) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(hex, e);
        }
    }
}
