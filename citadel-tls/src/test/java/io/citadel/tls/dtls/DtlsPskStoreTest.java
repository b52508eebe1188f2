package io.citadel.tls.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.junit.jupiter.api.Test;

/** The DTLS key look-up: refusals first, then a key fetched from a broker answered through the result handler. */
class DtlsPskStoreTest {
    static final ConnectionId CID = new ConnectionId(new byte[] {1, 2, 3});
    static final PskPublicInformation ID = new PskPublicInformation("00ff@mef.example");

    @Test
    void a_shut_out_peer_or_an_unknown_identity_gets_no_key_even_when_a_fetch_is_pending() {
        CompletableFuture<Void> fetch = new CompletableFuture<>();
        DtlsPskStore shutOut =
                new DtlsPskStore(id -> Optional.of(new byte[16]), cid -> false, (id, peer) -> Optional.of(fetch));
        shutOut.setResultHandler(r -> {});
        assertThat(shutOut.requestPskSecretResult(CID, null, ID, "HmacSHA256", null, null, false)
                        .getSecret())
                .isNull();
        DtlsPskStore unknown = new DtlsPskStore(id -> Optional.empty(), cid -> true, (id, peer) -> Optional.empty());
        unknown.setResultHandler(r -> {});
        assertThat(unknown.requestPskSecretResult(CID, null, ID, "HmacSHA256", null, null, false)
                        .getSecret())
                .isNull();
    }

    @Test
    void an_admitted_look_up_without_a_key_is_reported_a_refused_one_is_not() {
        java.util.List<String> noKey = new java.util.concurrent.CopyOnWriteArrayList<>();
        new DtlsPskStore(id -> Optional.empty(), cid -> true, null, (cid, id) -> noKey.add(cid + " " + id))
                .requestPskSecretResult(CID, null, ID, "HmacSHA256", null, null, false);
        assertThat(noKey).containsExactly(CID + " 00ff@mef.example");
        noKey.clear();
        new DtlsPskStore(id -> Optional.empty(), cid -> false, null, (cid, id) -> noKey.add(id))
                .requestPskSecretResult(CID, null, ID, "HmacSHA256", null, null, false);
        new DtlsPskStore(id -> Optional.of(new byte[16]), cid -> true, null, (cid, id) -> noKey.add(id))
                .requestPskSecretResult(CID, null, ID, "HmacSHA256", null, null, false);
        assertThat(noKey)
                .as("shut out (no key tried) or a key found: nothing to report")
                .isEmpty();
    }

    @Test
    void a_brokered_key_is_answered_once_fetched() {
        CompletableFuture<Void> fetch = new CompletableFuture<>();
        AtomicReference<byte[]> held = new AtomicReference<>();
        DtlsPskStore store = new DtlsPskStore(
                id -> Optional.ofNullable(held.get()).map(byte[]::clone),
                cid -> true,
                (id, peer) -> id.endsWith("@mef.example") ? Optional.of(fetch) : Optional.empty());
        AtomicReference<PskSecretResult> answered = new AtomicReference<>();
        store.setResultHandler(r -> answered.set((PskSecretResult) r));
        assertThat(store.requestPskSecretResult(CID, null, ID, "HmacSHA256", null, null, false))
                .as("asynchronous")
                .isNull();
        assertThat(answered.get()).isNull();
        held.set("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        fetch.complete(null);
        assertThat(answered.get()).isNotNull();
        assertThat(answered.get().getSecret()).isNotNull();
        assertThat(answered.get().getConnectionId()).isEqualTo(CID);
    }

    @Test
    void a_busy_broker_is_no_guess_of_the_peer_and_the_peer_address_goes_to_the_broker() throws Exception {
        java.net.InetAddress peer = java.net.InetAddress.getByName("192.0.2.7");
        java.util.List<java.net.InetAddress> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.citadel.credentials.PskPrefetch saturated = new io.citadel.credentials.PskPrefetch() {
            @Override
            public Optional<java.util.concurrent.CompletionStage<Void>> prefetch(
                    String identity, java.net.InetAddress from) {
                asked.add(from);
                return Optional.empty(); // no room for another fetch
            }

            @Override
            public boolean saturated() {
                return true;
            }
        };
        java.util.List<String> noKey = new java.util.concurrent.CopyOnWriteArrayList<>();
        DtlsPskStore store = new DtlsPskStore(
                id -> Optional.empty(), cid -> true, saturated, (cid, id) -> noKey.add(id), cid -> peer);
        store.setResultHandler(r -> {});
        assertThat(store.requestPskSecretResult(CID, null, ID, "HmacSHA256", null, null, false)
                        .getSecret())
                .isNull();
        assertThat(noKey)
                .as("the handshake fails, but it is not counted against the peer")
                .isEmpty();
        assertThat(asked).containsExactly(peer);
    }
}
