package io.citadel.e2e.esprim;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.Timestamps;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ESPrim rand object (TS-0003 §8.4.2, TS-0004 {@code m2m:receiverESPrimRandObject} and
 * {@code m2m:originatorESPrimRandObject}): its ID ({@code esri}), 128 random bits ({@code esrv}), its expiry
 * ({@code esrx}), the key-generation algorithms ({@code esks}, a list, from a receiver; {@code esk}, one, from an
 * originator) and the protocol-and-AEAD identifiers ({@code espa}).
 *
 * <p>Encodings (Citadel's, [inferred] in the digest): {@code esri} is {@code r} and 32 hex digits of a random value,
 * {@code esrv} is {@code v} and the 32 hex digits of the 16 bytes (both NCNames, which may not start with a digit),
 * {@code esrx} a basic-format timestamp. A parsed object is checked: shapes, lengths, at most 8 identifiers per list.
 *
 * @param receiver whether a receiver made it (its key-generation algorithms are a list)
 */
public record RandObject(
        boolean receiver, String id, byte[] value, Instant expires, List<Integer> keyGens, List<Integer> protocols) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_IDS = 8;

    public RandObject {
        expires = expires.truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // as esrx carries it
        value = value.clone();
        keyGens = List.copyOf(keyGens);
        protocols = List.copyOf(protocols);
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** A receiver's new object, valid until {@code expires}, offering HMAC-SHA256 and {@code protocols}. */
    public static RandObject newReceiver(Instant expires, List<Integer> protocols) {
        return new RandObject(true, newId(), random(), expires, List.of(EsprimOptions.HMAC_SHA256), protocols);
    }

    /**
     * An originator's new object for {@code receiver}'s: it ends no later than the receiver's, and offers
     * {@code protocol} only, which the receiver must offer.
     */
    public static RandObject newOriginator(RandObject receiver, Instant expires, int protocol) {
        if (!receiver.protocols().contains(protocol)) {
            throw new IllegalArgumentException("the receiver does not offer protocol " + protocol);
        }
        Instant end = expires.isAfter(receiver.expires()) ? receiver.expires() : expires;
        return new RandObject(false, newId(), random(), end, List.of(EsprimOptions.HMAC_SHA256), List.of(protocol));
    }

    private static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return "r" + HexFormat.of().formatHex(b);
    }

    private static byte[] random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    public boolean expiredAt(Instant now) {
        return !expires.isAfter(now);
    }

    /** Its members with their short names, in the order of TS-0004. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("esri", id);
        m.put("esrv", "v" + HexFormat.of().formatHex(value));
        m.put("esrx", Timestamps.format(expires));
        if (receiver) {
            m.put("esks", keyGens.stream().map(Long::valueOf).toList());
        } else {
            m.put("esk", (long) keyGens.get(0));
        }
        m.put("espa", protocols.stream().map(Long::valueOf).toList());
        return m;
    }

    /** Parses a rand object a receiver ({@code receiver}) or an originator made; 4000 when it is malformed. */
    public static RandObject parse(Object json, boolean receiver) {
        if (!(json instanceof Map<?, ?> m)) {
            throw malformed("is not an object");
        }
        String id = text(m, "esri");
        if (!id.matches("[A-Za-z_][A-Za-z0-9._-]{0,63}")) {
            throw malformed("esri is not an NCName of at most 64 characters");
        }
        String v = text(m, "esrv");
        if (!v.matches("v[0-9a-f]{32}")) {
            throw malformed("esrv is not 128 bits (v and 32 hex digits)");
        }
        Instant expires = Timestamps.parse(text(m, "esrx")).orElseThrow(() -> malformed("esrx is not a timestamp"));
        List<Integer> keyGens = receiver ? ids(m.get("esks"), "esks") : List.of(id(m.get("esk"), "esk"));
        List<Integer> protocols = ids(m.get("espa"), "espa");
        return new RandObject(receiver, id, HexFormat.of().parseHex(v, 1, 33), expires, keyGens, protocols);
    }

    private static String text(Map<?, ?> m, String name) {
        if (!(m.get(name) instanceof String s)) {
            throw malformed(name + " is missing");
        }
        return s;
    }

    private static List<Integer> ids(Object list, String name) {
        if (!(list instanceof List<?> l) || l.isEmpty() || l.size() > MAX_IDS) {
            throw malformed(name + " is not a list of 1 to " + MAX_IDS + " identifiers");
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : l) {
            out.add(id(o, name));
        }
        return out;
    }

    private static int id(Object o, String name) {
        if (o instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 0 && n.intValue() < 1000) {
            return n.intValue();
        }
        throw malformed(name + " holds something that is not an identifier");
    }

    private static OneM2mException malformed(String why) {
        return new OneM2mException(ResponseStatusCode.BAD_REQUEST, "ESPrim rand object: " + why);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RandObject r
                && r.receiver == receiver
                && r.id.equals(id)
                && Arrays.equals(r.value, value)
                && r.expires.equals(expires)
                && r.keyGens.equals(keyGens)
                && r.protocols.equals(protocols);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "RandObject[" + id + ", until " + expires + "]"; // never the value
    }
}
