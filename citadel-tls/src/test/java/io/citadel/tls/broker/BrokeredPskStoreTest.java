package io.citadel.tls.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.credentials.Credential;
import io.citadel.credentials.EncryptedFilePskStore;
import io.citadel.credentials.PskCredential;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys fetched from a broker on first sight: refusals and abuse first, then holding and refreshing. */
class BrokeredPskStoreTest {
    static final String ID = "00112233445566778899aabbccddeeff@mef.example";

    @TempDir
    Path dir;

    /** A broker whose answers the test decides; counts its calls. */
    static final class FakeBroker implements KeyBroker {
        final AtomicInteger calls = new AtomicInteger();
        final BlockingQueue<String> asked = new LinkedBlockingQueue<>();
        volatile Function<String, CompletableFuture<BrokeredKey>> answer;

        FakeBroker(Function<String, CompletableFuture<BrokeredKey>> answer) {
            this.answer = answer;
        }

        @Override
        public CompletableFuture<BrokeredKey> fetch(String identity) {
            calls.incrementAndGet();
            asked.add(identity);
            return answer.apply(identity);
        }
    }

    static CompletableFuture<BrokeredKey> key(int length, Instant until) {
        return CompletableFuture.completedFuture(new BrokeredKey(new byte[length], "/id-in/Cdev1", until));
    }

    BrokeredPskStore store(FakeBroker broker, Duration hold) {
        return new BrokeredPskStore(
                EncryptedFilePskStore.open(dir.resolve("psk"), "pw".toCharArray()),
                Map.of("mef.example", broker),
                hold,
                Duration.ofMinutes(1),
                2,
                Clock.systemUTC());
    }

    static void await(CompletableFuture<?> f) throws Exception {
        f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void identities_of_no_known_broker_are_not_fetched() {
        FakeBroker broker = new FakeBroker(id -> key(32, Instant.now().plusSeconds(60)));
        BrokeredPskStore store = store(broker, Duration.ofHours(1));
        assertThat(store.prefetch("plain-identity")).isEmpty();
        assertThat(store.prefetch(ID.replace("mef.example", "rogue.example"))).isEmpty();
        assertThat(store.prefetch("bad id with spaces@mef.example")).isEmpty();
        assertThat(store.prefetch(null)).isEmpty();
        assertThat(broker.calls).hasValue(0);
    }

    @Test
    void a_refused_expired_or_malformed_key_is_not_held_and_not_asked_again_at_once() throws Exception {
        FakeBroker broker =
                new FakeBroker(id -> CompletableFuture.failedFuture(new KeyBrokerException("the MEF refused it")));
        BrokeredPskStore store = store(broker, Duration.ofHours(1));
        await(store.prefetch(ID).orElseThrow().toCompletableFuture());
        assertThat(store.lookup(ID, Instant.now())).isEmpty();
        assertThat(store.prefetch(ID))
                .as("refused: not asked again for a while")
                .isEmpty();
        assertThat(broker.calls).hasValue(1);

        for (CompletableFuture<BrokeredKey> bad : List.of(
                key(8, Instant.now().plusSeconds(60)), // too short
                key(32, Instant.now().minusSeconds(1)), // expired
                CompletableFuture.<BrokeredKey>failedFuture(new IllegalStateException("boom")))) {
            FakeBroker b = new FakeBroker(id -> bad);
            BrokeredPskStore s = store(b, Duration.ofHours(1));
            await(s.prefetch(ID).orElseThrow().toCompletableFuture());
            assertThat(s.lookup(ID, Instant.now())).isEmpty();
            assertThat(s.key(ID, Instant.now())).isEmpty();
        }
    }

    @Test
    void concurrent_offers_share_one_fetch_and_the_number_of_fetches_is_bounded() {
        CompletableFuture<BrokeredKey> pending = new CompletableFuture<>();
        FakeBroker broker = new FakeBroker(id -> pending);
        BrokeredPskStore store = store(broker, Duration.ofHours(1));
        var first = store.prefetch(ID).orElseThrow();
        var second = store.prefetch(ID).orElseThrow();
        assertThat(second).isSameAs(first);
        assertThat(store.prefetch("01@mef.example")).isPresent();
        assertThat(store.prefetch("02@mef.example"))
                .as("two fetches run already")
                .isEmpty();
        assertThat(broker.calls).hasValue(2);
    }

    @Test
    void a_fetched_key_is_bound_to_the_brokers_originator_and_refreshed_or_dropped_when_its_hold_ends()
            throws Exception {
        FakeBroker broker = new FakeBroker(id -> key(32, Instant.now().plusSeconds(3600)));
        BrokeredPskStore store = store(broker, Duration.ofMillis(300));
        BlockingQueue<Credential> announced = new LinkedBlockingQueue<>();
        store.addListener(announced::add);
        await(store.prefetch(ID).orElseThrow().toCompletableFuture());
        PskCredential held = store.lookup(ID, Instant.now()).orElseThrow();
        assertThat(held.allowed()).containsExactly("/id-in/Cdev1");
        assertThat(held.credentialId()).isEqualTo("12-" + ID);
        assertThat(store.key(ID, Instant.now()))
                .get()
                .satisfies(k -> assertThat(k).hasSize(32));
        assertThat(store.prefetch(ID)).as("held: nothing to fetch").isEmpty();

        // the hold ends: the broker still vouches, so the key is held on, nothing announced
        assertThat(broker.asked.poll(10, TimeUnit.SECONDS)).as("first fetch").isEqualTo(ID);
        assertThat(broker.asked.poll(10, TimeUnit.SECONDS)).as("asked again").isEqualTo(ID);
        assertThat(announced).isEmpty();
        // then the device is revoked at the broker: at the next hold end it is dropped and announced
        broker.answer = id -> CompletableFuture.failedFuture(new KeyBrokerException("revoked"));
        Credential dropped = announced.poll(10, TimeUnit.SECONDS);
        assertThat(dropped).isNotNull();
        assertThat(dropped.credentialId()).isEqualTo("12-" + ID);
        assertThat(store.lookup(ID, Instant.now())).isEmpty();
        store.close();
    }

    @Test
    void one_address_runs_at_most_two_fetches_and_upper_case_broker_names_are_not_fetched() throws Exception {
        CompletableFuture<BrokeredKey> pending = new CompletableFuture<>();
        FakeBroker broker = new FakeBroker(id -> pending);
        BrokeredPskStore store = new BrokeredPskStore(
                EncryptedFilePskStore.open(dir.resolve("psk"), "pw".toCharArray()),
                Map.of("mef.example", broker),
                Duration.ofHours(1),
                Duration.ofMinutes(1),
                16,
                Clock.systemUTC());
        java.net.InetAddress attacker = java.net.InetAddress.getByName("192.0.2.1");
        assertThat(store.prefetch("01@mef.example", attacker)).isPresent();
        assertThat(store.prefetch("02@mef.example", attacker)).isPresent();
        assertThat(store.prefetch("03@mef.example", attacker))
                .as("a third from one address")
                .isEmpty();
        assertThat(store.prefetch("04@mef.example", java.net.InetAddress.getByName("192.0.2.2")))
                .as("another address")
                .isPresent();
        assertThat(store.prefetch("05@MEF.example", java.net.InetAddress.getByName("192.0.2.3")))
                .isEmpty();
        assertThat(store.saturated()).isFalse();
        pending.completeExceptionally(new KeyBrokerException("refused"));
        assertThat(store.prefetch("06@mef.example", attacker))
                .as("room again once they ended")
                .isPresent();
    }

    @Test
    void a_refusal_of_any_fetch_drops_what_is_held_for_the_identity() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        FakeBroker broker = new FakeBroker(id -> key(32, clock.instant().plusSeconds(3 * 3600)));
        BrokeredPskStore store = new BrokeredPskStore(
                EncryptedFilePskStore.open(dir.resolve("psk"), "pw".toCharArray()),
                Map.of("mef.example", broker),
                Duration.ofHours(1),
                Duration.ofMinutes(1),
                16,
                clock);
        BlockingQueue<Credential> announced = new LinkedBlockingQueue<>();
        store.addListener(announced::add);
        await(store.prefetch(ID).orElseThrow().toCompletableFuture());
        broker.answer = id -> CompletableFuture.failedFuture(new KeyBrokerException("revoked"));
        clock.now = clock.now.plus(Duration.ofHours(2)); // the hold is over before its timer ran
        await(store.prefetch(ID).orElseThrow().toCompletableFuture()); // a new handshake's fetch, refused
        assertThat(announced.poll(10, TimeUnit.SECONDS))
                .as("sessions of the dropped key end")
                .isNotNull();
        assertThat(store.list()).isEmpty();
        store.close();
    }

    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
