package io.citadel.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * The unit a limit per client counts in: an IPv4 address (also when it arrives IPv4-mapped in IPv6), or the /64
 * of an IPv6 address, since one host commonly owns a whole /64 and could otherwise take a fresh address per
 * attempt. Used by the connection limits and the handshake throttle alike.
 */
public final class PeerGroup {
    private final byte[] prefix;

    private PeerGroup(byte[] prefix) {
        this.prefix = prefix;
    }

    public static PeerGroup of(InetAddress peer) {
        byte[] a = peer.getAddress();
        if (peer instanceof Inet6Address && a.length == 16) {
            if (isV4Mapped(a)) {
                return new PeerGroup(Arrays.copyOfRange(a, 12, 16));
            }
            return new PeerGroup(peer.isLoopbackAddress() ? a : Arrays.copyOf(a, 8));
        }
        return new PeerGroup(a);
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerGroup g && Arrays.equals(prefix, g.prefix);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(prefix);
    }
}
