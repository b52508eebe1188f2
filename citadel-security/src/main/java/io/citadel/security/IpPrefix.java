package io.citadel.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 CIDR block or IPv6 prefix from {@code acip}, matched against the transport peer address.
 * Only IP literals are parsed: no name is ever resolved.
 */
public final class IpPrefix {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private IpPrefix(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /**
     * Parses {@code a.b.c.d[/n]} (when {@code ipv6} is false) or an IPv6 prefix {@code x::y[/n]}; throws
     * {@link IllegalArgumentException} otherwise. Host bits set beyond the prefix are refused, because
     * they usually betray a typo.
     */
    public static IpPrefix parse(String text, boolean ipv6) {
        if (text == null || text.length() > 64) {
            throw new IllegalArgumentException("an IP prefix must be a short string");
        }
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = (ipv6 ? parseIpv6(addr) : parseIpv4(addr))
                .orElseThrow(() -> new IllegalArgumentException(
                        "'" + text + "' is not an " + (ipv6 ? "IPv6 prefix" : "IPv4 CIDR block")));
        int max = bytes.length * 8;
        int length = max;
        if (slash >= 0) {
            String len = text.substring(slash + 1);
            if (len.isEmpty()
                    || len.length() > 3
                    || !len.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(len) > max) {
                throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
            }
            length = Integer.parseInt(len);
        }
        for (int bit = length; bit < max; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("'" + text + "' has host bits set beyond /" + length);
            }
        }
        return new IpPrefix(bytes, length, text);
    }

    /** Parses a peer address literal (IPv4, IPv6, IPv4-mapped IPv6 becomes IPv4); empty if it is not one. */
    public static Optional<byte[]> parseAddress(String literal) {
        if (literal == null) {
            return Optional.empty();
        }
        String s =
                literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        return s.indexOf(':') >= 0 ? parseIpv6(s) : parseIpv4(s);
    }

    private static Optional<byte[]> parseIpv4(String s) {
        var m = IPV4.matcher(s);
        if (!m.matches()) {
            return Optional.empty();
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = Integer.parseInt(m.group(i + 1));
            if (v > 255) {
                return Optional.empty();
            }
            out[i] = (byte) v;
        }
        return Optional.of(out);
    }

    private static Optional<byte[]> parseIpv6(String s) {
        if (!IPV6.matcher(s).matches() || s.indexOf(':') < 0) {
            return Optional.empty();
        }
        try {
            // a literal with ':' is parsed as an address, never looked up in DNS
            return Optional.of(InetAddress.getByName(s).getAddress());
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** True if the address (as from {@link #parseAddress}) is inside this prefix; families never mix. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
