package io.citadel.tls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the psk_identity a TLS client offers off its plaintext handshake, before Bouncy Castle sees the bytes, so
 * that a key held elsewhere can be fetched without blocking the handshake's key look-up: TLS 1.2's
 * ClientKeyExchange (RFC 4279 §2, RFC 5489 §2: it starts with the identity) and TLS 1.3's ClientHello
 * {@code pre_shared_key} extension (RFC 8446 §4.2.11). It stops at the first ChangeCipherSpec or non-handshake
 * record, after the identity, or after 64 KiB; malformed input just ends sniffing (Bouncy Castle refuses it).
 */
final class PskIdentitySniffer {
    private static final int RECORD_HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int CLIENT_KEY_EXCHANGE = 16;
    private static final int PRE_SHARED_KEY = 41;
    private static final int LIMIT = 64 * 1024;

    private final ByteArrayOutputStream records = new ByteArrayOutputStream();
    private final ByteArrayOutputStream handshake = new ByteArrayOutputStream();
    private int recordOffset;
    private int handshakeOffset;
    private boolean done;
    private boolean plaintextOver;

    /** Feeds bytes from the wire; returns the identities offered in them (usually none, at most once some). */
    List<String> offer(byte[] bytes) {
        if (done) {
            return List.of();
        }
        records.write(bytes, 0, bytes.length);
        if (records.size() > LIMIT) {
            done = true;
            return List.of();
        }
        byte[] all = records.toByteArray();
        while (!plaintextOver && all.length - recordOffset >= 5) {
            int type = all[recordOffset] & 0xff;
            int length = u16(all, recordOffset + 3);
            if (all.length - recordOffset - 5 < length) {
                break;
            }
            if (type != RECORD_HANDSHAKE) {
                plaintextOver = true; // ChangeCipherSpec, alert or application data: no more handshake to read
                break;
            }
            handshake.write(all, recordOffset + 5, length);
            recordOffset += 5 + length;
        }
        List<String> found = messages();
        done |= plaintextOver;
        return found;
    }

    private List<String> messages() {
        byte[] hs = handshake.toByteArray();
        while (!done && hs.length - handshakeOffset >= 4) {
            int type = hs[handshakeOffset] & 0xff;
            int length = u24(hs, handshakeOffset + 1);
            if (hs.length - handshakeOffset - 4 < length) {
                break;
            }
            int body = handshakeOffset + 4;
            handshakeOffset = body + length;
            try {
                if (type == CLIENT_KEY_EXCHANGE) {
                    done = true;
                    return List.of(string(hs, body + 2, u16(hs, body), body + length));
                }
                if (type == CLIENT_HELLO) {
                    List<String> offered = preSharedKeyIdentities(hs, body, body + length);
                    if (!offered.isEmpty()) {
                        done = true;
                        return offered;
                    }
                }
            } catch (IndexOutOfBoundsException | IllegalArgumentException malformed) {
                done = true;
                return List.of();
            }
        }
        return List.of();
    }

    /** The identities of a ClientHello's pre_shared_key extension (none in a TLS 1.2 ClientHello). */
    private static List<String> preSharedKeyIdentities(byte[] b, int at, int end) {
        int p = at + 2 + 32; // legacy_version, random
        p += 1 + (b[p] & 0xff); // legacy_session_id
        p += 2 + u16(b, p); // cipher_suites
        p += 1 + (b[p] & 0xff); // legacy_compression_methods
        if (p >= end) {
            return List.of(); // no extensions
        }
        int extensionsEnd = p + 2 + u16(b, p);
        p += 2;
        check(extensionsEnd <= end);
        while (p + 4 <= extensionsEnd) {
            int type = u16(b, p);
            int length = u16(b, p + 2);
            int data = p + 4;
            check(data + length <= extensionsEnd);
            if (type == PRE_SHARED_KEY) {
                List<String> ids = new ArrayList<>();
                int idsEnd = data + 2 + u16(b, data);
                check(idsEnd <= data + length);
                int q = data + 2;
                while (q + 2 <= idsEnd && ids.size() < 4) {
                    int idLength = u16(b, q);
                    ids.add(string(b, q + 2, idLength, idsEnd));
                    q += 2 + idLength + 4; // identity, obfuscated_ticket_age
                }
                return ids;
            }
            p = data + length;
        }
        return List.of();
    }

    private static String string(byte[] b, int at, int length, int end) {
        check(at + length <= end);
        return new String(b, at, length, StandardCharsets.UTF_8);
    }

    private static void check(boolean wellFormed) {
        if (!wellFormed) {
            throw new IllegalArgumentException("malformed handshake message");
        }
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static int u24(byte[] b, int at) {
        return ((b[at] & 0xff) << 16) | ((b[at + 1] & 0xff) << 8) | (b[at + 2] & 0xff);
    }
}
