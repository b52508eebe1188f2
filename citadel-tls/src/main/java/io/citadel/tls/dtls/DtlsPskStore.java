package io.citadel.tls.dtls;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.util.ServerNames;

/**
 * Scandium's PSK look-up over a credential store (the CSE's KpsaIDs, the MEF's bootstrap keys; the same as TLS-PSK): a key is fetched
 * for one handshake, copied into Scandium's secret and the copy we got is zeroed. An unknown, expired or
 * revoked identity gets no key, so its handshake fails; so does a peer the guard against guessing refuses.
 * A key the store must first fetch from a broker (a MEF's KeID, a MAF's KcID) is answered asynchronously:
 * Scandium's handshake waits for the result handler, no thread waits on the network.
 */
public final class DtlsPskStore implements AdvancedPskStore {
    private final Function<String, Optional<byte[]>> keys;
    private final java.util.function.Predicate<ConnectionId> admits;
    private final io.citadel.credentials.PskPrefetch prefetch;
    private final BiConsumer<ConnectionId, String> noKey;
    private final Function<ConnectionId, java.net.InetAddress> peers;
    private volatile HandshakeResultHandler resultHandler;

    /**
     * @param admits asked with the handshake's connection id before each look-up: false gives no key (the peer
     *               was shut out after failed handshakes; see {@link DtlsHandshakeGuard#admitsKeyLookup})
     * @param noKey  told of an admitted look-up that found no key (an unknown, expired or revoked identity), with
     *               the handshake's connection id and the identity offered: Scandium drops such a handshake quietly,
     *               without reporting it as failed (see {@link DtlsHandshakeGuard#noKey})
     */
    public DtlsPskStore(
            Function<String, Optional<byte[]>> keys,
            java.util.function.Predicate<ConnectionId> admits,
            io.citadel.credentials.PskPrefetch prefetch,
            BiConsumer<ConnectionId, String> noKey) {
        this(keys, admits, prefetch, noKey, cid -> null);
    }

    /**
     * @param peers the address of the handshake's peer (null when unknown): a broker lets one address have only a
     *     few fetches running, so one peer cannot take every fetch slot
     */
    public DtlsPskStore(
            Function<String, Optional<byte[]>> keys,
            java.util.function.Predicate<ConnectionId> admits,
            io.citadel.credentials.PskPrefetch prefetch,
            BiConsumer<ConnectionId, String> noKey,
            Function<ConnectionId, java.net.InetAddress> peers) {
        this.keys = keys;
        this.admits = admits;
        this.prefetch = prefetch;
        this.noKey = noKey;
        this.peers = peers;
    }

    public DtlsPskStore(
            Function<String, Optional<byte[]>> keys,
            java.util.function.Predicate<ConnectionId> admits,
            io.citadel.credentials.PskPrefetch prefetch) {
        this(keys, admits, prefetch, (cid, id) -> {});
    }

    public DtlsPskStore(Function<String, Optional<byte[]>> keys, java.util.function.Predicate<ConnectionId> admits) {
        this(keys, admits, null);
    }

    @Override
    public boolean hasEcdhePskSupported() {
        return true;
    }

    @Override
    public PskSecretResult requestPskSecretResult(
            ConnectionId cid,
            ServerNames serverName,
            PskPublicInformation identity,
            String hmacAlgorithm,
            SecretKey otherSecret,
            byte[] seed,
            boolean useExtendedMasterSecret) {
        if (!admits.test(cid)) {
            return new PskSecretResult(cid, identity, null); // shut out: no key, the handshake fails
        }
        String id = new String(identity.getBytes(), StandardCharsets.UTF_8);
        HandshakeResultHandler handler = resultHandler;
        boolean busy = false;
        if (prefetch != null && handler != null) {
            Optional<java.util.concurrent.CompletionStage<Void>> fetching = prefetch.prefetch(id, peers.apply(cid));
            if (fetching.isPresent()) {
                fetching.get()
                        .whenComplete((done, error) -> handler.apply(
                                admits.test(cid) // shut out meanwhile: still no key
                                        ? result(cid, identity, id, false)
                                        : new PskSecretResult(cid, identity, null)));
                return null; // answered through the result handler once the key is in
            }
            busy = prefetch.saturated();
        }
        return result(cid, identity, id, busy);
    }

    /** @param brokerBusy no fetch could start for want of room: no key now, but no guess of the peer's either */
    private PskSecretResult result(ConnectionId cid, PskPublicInformation identity, String id, boolean brokerBusy) {
        byte[] key = keys.apply(id).orElse(null);
        if (key == null) {
            if (!brokerBusy) {
                noKey.accept(cid, id);
            }
            return new PskSecretResult(cid, identity, null);
        }
        try {
            return new PskSecretResult(cid, identity, SecretUtil.create(key, "PSK"));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
        return null; // server side only
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        this.resultHandler = resultHandler;
    }
}
