package io.citadel.client.tls;

import java.util.Vector;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.util.Integers;

/**
 * The key-exchange groups of Citadel's Bouncy Castle TLS endpoints: the hybrid X25519MLKEM768
 * (draft-ietf-tls-ecdhe-mlkem; TLS 1.3 only) before the classical X25519 and NIST curves, so that a session
 * recorded today cannot be decrypted later by whoever breaks ECDH alone.
 */
public final class KeyExchangeGroups {
    /** Server preference, most preferred first. */
    private static final int[] SERVER = {
        NamedGroup.X25519MLKEM768, NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1
    };

    private KeyExchangeGroups() {}

    /** The groups a Citadel TLS server supports, most preferred first (a fresh copy). */
    public static int[] serverPreference() {
        return SERVER.clone();
    }

    /** {@code groups} with X25519MLKEM768 in front, when the crypto provider has it. */
    static Vector preferHybrid(TlsCrypto crypto, Vector groups) {
        Vector<Object> out = new Vector<>();
        if (TlsUtils.isSupportedNamedGroup(crypto, NamedGroup.X25519MLKEM768)) {
            out.add(Integers.valueOf(NamedGroup.X25519MLKEM768));
        }
        if (groups != null) {
            for (Object g : groups) {
                if (!out.contains(g)) {
                    out.add(g);
                }
            }
        }
        return out;
    }

    /** The IANA name of a TLS named group ("X25519MLKEM768", "x25519"), or "none" for a pure-PSK handshake. */
    public static String name(int group) {
        return group < 0 ? "none" : NamedGroup.getName(group);
    }
}
