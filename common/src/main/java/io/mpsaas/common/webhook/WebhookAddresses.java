package io.mpsaas.common.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where a webhook may be sent (server-side request forgery): {@code https} only, to a host whose every address is
 * public; private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), link-local (169.254/16: the instance metadata
 * service; fe80::/10), loopback, multicast and unspecified addresses refused, IPv4 and IPv6 (IPv4-mapped IPv6
 * included). Local mode allows {@code http} and {@code https} to loopback only. Checked at start and before every
 * attempt, since DNS can change.
 */
public final class WebhookAddresses {

    private WebhookAddresses() {
    }

    /** An endpoint that may not be called, with why (never contains a secret: only the URL's host). */
    public static final class RefusedEndpointException extends RuntimeException {
        public RefusedEndpointException(String message) {
            super(message);
        }
    }

    /** The URL, checked and parsed; a {@link RefusedEndpointException} when it may not be called. */
    public static URI check(String url, boolean allowLoopback) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new RefusedEndpointException("not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (host == null || uri.getUserInfo() != null) {
            throw new RefusedEndpointException("a webhook URL needs a host and no user info");
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && allowLoopback)) {
            throw new RefusedEndpointException("a webhook URL must be https (host " + host + ")");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new RefusedEndpointException("host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            if (address.isLoopbackAddress() && allowLoopback) {
                continue;
            }
            String why = refusal(address);
            if (why != null) {
                throw new RefusedEndpointException("host " + host + " resolves to " + why + " address "
                        + address.getHostAddress());
            }
            if (scheme.equals("http")) {
                throw new RefusedEndpointException("http only to loopback (host " + host + ")");
            }
        }
        return uri;
    }

    /** Why the address may not be called (its kind), or null when it is a public unicast address. */
    static String refusal(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return refusal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return "an unreadable";
                }
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "a private (unique local)";
            }
        }
        if (address.isAnyLocalAddress()) {
            return "an unspecified";
        }
        if (address.isLoopbackAddress()) {
            return "a loopback";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local";
        }
        if (address.isSiteLocalAddress()) {
            return "a private";
        }
        if (address.isMulticastAddress()) {
            return "a multicast";
        }
        if (address instanceof Inet4Address) {
            byte[] b = address.getAddress();
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return "an unspecified";
            }
            if (first == 100 && second >= 64 && second < 128) {
                return "a private (shared)";
            }
            if (first >= 240) {
                return "a reserved";
            }
        }
        return null;
    }
}
