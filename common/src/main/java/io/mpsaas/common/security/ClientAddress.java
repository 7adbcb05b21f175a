package io.mpsaas.common.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who a client is, for the limits kept per client (onboarding's request limit, the failed-key throttle): the whole
 * address for IPv4, the /64 for IPv6 (one subscriber's network: an IPv6 client rotating addresses inside it is still
 * one client). A forwarded address ({@code X-Forwarded-For}) is believed only from a trusted proxy: the rightmost entry
 * that is not itself a trusted proxy, since every entry left of what the trusted proxy appended is the client's word.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    /** An address or network ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code 192.0.2.7}) a proxy may have. */
    public record Cidr(byte[] network, int bits) {

        /** Parses an address or CIDR; empty when it is neither (no DNS lookup is ever made). */
        public static Optional<Cidr> parse(String text) {
            String s = text == null ? "" : text.strip();
            int slash = s.indexOf('/');
            Optional<InetAddress> address = literal(slash < 0 ? s : s.substring(0, slash));
            if (address.isEmpty()) {
                return Optional.empty();
            }
            byte[] bytes = address.get().getAddress();
            int bits = bytes.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
                if (bits < 0 || bits > bytes.length * 8) {
                    return Optional.empty();
                }
            }
            return Optional.of(new Cidr(bytes, bits));
        }

        /** Whether the address lies in this network. */
        public boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((a[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The trusted proxies of a setting; throws naming the setting and the entry when one is not an address or CIDR. */
    public static List<Cidr> cidrs(String setting, Optional<List<String>> entries) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String entry : entries.orElse(List.of())) {
            if (!entry.isBlank()) {
                cidrs.add(Cidr.parse(entry).orElseThrow(() -> new IllegalArgumentException(setting
                        + " must list IP addresses or CIDRs (10.0.0.0/8, 2001:db8::/32): " + entry.strip())));
            }
        }
        return List.copyOf(cidrs);
    }

    /** The limit key of an address: the address itself for IPv4 (and IPv4-mapped IPv6), its /64 for IPv6. */
    public static String key(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                b.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return b.append(":/64").toString();
        }
        return address.getHostAddress();
    }

    /**
     * The client behind a request: the TCP peer, unless the peer is a trusted proxy; then the rightmost
     * {@code X-Forwarded-For} entry that is not a trusted proxy (what the outermost trusted proxy saw).
     *
     * @param peer         the TCP peer's address (not a forwarded one)
     * @param forwardedFor every {@code X-Forwarded-For} header value of the request, in order
     * @param trusted      the trusted proxies
     */
    public static String clientKey(InetAddress peer, List<String> forwardedFor, List<Cidr> trusted) {
        if (peer == null) {
            return "unknown";
        }
        if (!isTrusted(peer, trusted)) {
            return key(peer);
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = literal(hops.get(i));
            if (hop.isEmpty()) {
                break; // a hop that is no address: what is left of it cannot be trusted either
            }
            client = hop.get();
            if (!isTrusted(client, trusted)) {
                break;
            }
        }
        return key(client);
    }

    static boolean isTrusted(InetAddress address, List<Cidr> trusted) {
        return trusted.stream().anyMatch(c -> c.contains(address));
    }

    /** An IP literal (IPv4, IPv6, IPv6 in brackets, with an optional IPv4 port); never a DNS lookup. */
    public static Optional<InetAddress> literal(String text) {
        String s = text == null ? "" : text.strip();
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            s = end < 0 ? "" : s.substring(1, end);
        } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') > 0) {
            s = s.substring(0, s.indexOf(':')); // 192.0.2.7:4711
        }
        if (s.isEmpty() || s.length() > 45) {
            return Optional.empty();
        }
        boolean v6 = s.indexOf(':') >= 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = Character.isDigit(c) || c == '.' || (v6 && (c == ':' || (c >= 'a' && c <= 'f')
                    || (c >= 'A' && c <= 'F')));
            if (!ok) {
                return Optional.empty(); // a host name (or zone id): never resolved
            }
        }
        if (!v6 && !s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return Optional.empty();
        }
        try {
            // a literal (checked above): parsed, not looked up; ::ffff:a.b.c.d comes back as the IPv4 address
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
