package io.citadel.e2e.escertke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.e2e.esdata.TestKeys;
import io.citadel.e2e.esprim.PairwiseKeys;
import io.citadel.e2e.esprim.TestClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminator for many initiators: refusals first (a message out of sequence, an M3 after its handshake timed out,
 * an initiator not admitted), then keys kept per identity and in all within their bounds, expired and zeroed.
 */
class EsCertKeTerminalTest {
    @TempDir
    static Path dir;

    static TestKeys terminator;
    static TestKeys alice;
    static TestKeys bob;
    static TestKeys stranger;

    @BeforeAll
    static void keys() throws Exception {
        terminator = TestKeys.make(dir, "terminator");
        alice = TestKeys.make(dir, "alice");
        bob = TestKeys.make(dir, "bob");
        stranger = TestKeys.make(dir, "stranger");
    }

    static EsCertKe.Credential credential(TestKeys k) {
        return new EsCertKe.Credential(k.pair().getPrivate(), List.of(k.certificate()));
    }

    static EsCertKeTerminal terminal(EsCertKeTerminal.Settings settings, Clock clock) {
        return terminal(settings, clock, c -> false);
    }

    static EsCertKeTerminal terminal(
            EsCertKeTerminal.Settings settings,
            Clock clock,
            java.util.function.Predicate<java.security.cert.X509Certificate> revoked) {
        Map<java.security.cert.X509Certificate, String> admitted = new LinkedHashMap<>();
        admitted.put(alice.certificate(), "/id-mn/Calice");
        admitted.put(bob.certificate(), "/id-mn/Cbob");
        return new EsCertKeTerminal(credential(terminator), admitted, settings, clock, revoked);
    }

    /** One whole handshake of {@code who} as {@code peer}; the initiator's key. */
    static EsCertKe.PairwiseKey handshake(EsCertKeTerminal t, String peer, TestKeys who) {
        EsCertKe.Initiator i = new EsCertKe.Initiator(credential(who), terminator.certificate());
        byte[] m2 = t.receive(peer, "hop", i.start());
        byte[] m4 = t.receive(peer, "hop", i.next(m2));
        return i.finish(m4);
    }

    @Test
    void out_of_sequence_late_or_unadmitted_messages_get_no_key() {
        TestClock clock = new TestClock(Instant.now());
        EsCertKeTerminal t = terminal(EsCertKeTerminal.Settings.defaults(), clock);
        assertThatThrownBy(() -> t.receive("/id-mn/Calice", "hop", new byte[] {22, 3, 3, 0, 4, 11, 0, 0, 0}))
                .isInstanceOfSatisfying(
                        EsCertKeException.class,
                        e -> assertThat(e.kind()).isEqualTo(EsCertKeException.Kind.OUT_OF_SEQUENCE))
                .hasMessage("no ESCertKE handshake of this originator is under way (M1 first)");
        assertThatThrownBy(() -> t.receive("p", "hop", new byte[0]))
                .isInstanceOfSatisfying(
                        EsCertKeException.class,
                        e -> assertThat(e.kind()).isEqualTo(EsCertKeException.Kind.OUT_OF_SEQUENCE));

        // an M3 after the handshake timed out
        EsCertKe.Initiator late = new EsCertKe.Initiator(credential(alice), terminator.certificate());
        byte[] m2 = t.receive("p", "hop", late.start());
        byte[] m3 = late.next(m2);
        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(() -> t.receive("p", "hop", m3))
                .isInstanceOfSatisfying(
                        EsCertKeException.class,
                        e -> assertThat(e.kind()).isEqualTo(EsCertKeException.Kind.OUT_OF_SEQUENCE));

        // a certificate not admitted: the handshake fails, and is over
        EsCertKe.Initiator intruder = new EsCertKe.Initiator(credential(stranger), terminator.certificate());
        byte[] intruderM3 = intruder.next(t.receive("q", "hop", intruder.start()));
        assertThatThrownBy(() -> t.receive("q", "hop", intruderM3))
                .isInstanceOfSatisfying(
                        EsCertKeException.class, e -> assertThat(e.kind()).isEqualTo(EsCertKeException.Kind.HANDSHAKE));
        assertThatThrownBy(() -> t.receive("q", "hop", intruderM3))
                .isInstanceOfSatisfying(
                        EsCertKeException.class,
                        e -> assertThat(e.kind()).isEqualTo(EsCertKeException.Kind.OUT_OF_SEQUENCE));
        assertThat(t.keyCount()).isZero();

        // a new M1 from the same peer replaces its handshake under way: the old M3 fails
        EsCertKe.Initiator first = new EsCertKe.Initiator(credential(alice), terminator.certificate());
        byte[] firstM3 = first.next(t.receive("r", "hop", first.start()));
        EsCertKe.Initiator second = new EsCertKe.Initiator(credential(alice), terminator.certificate());
        byte[] secondM2 = t.receive("r", "hop", second.start());
        assertThatThrownBy(() -> t.receive("r", "hop", firstM3)).isInstanceOf(EsCertKeException.class);
        assertThat(t.keyCount()).isZero();
        assertThatThrownBy(() -> t.receive("r", "hop", second.next(secondM2)))
                .as("the failed M3 ended the peer's handshake")
                .isInstanceOf(EsCertKeException.class);
    }

    @Test
    void keys_are_bound_to_the_admitted_identity_bounded_and_expire() {
        TestClock clock = new TestClock(Instant.now());
        EsCertKeTerminal t =
                terminal(new EsCertKeTerminal.Settings(Duration.ofSeconds(30), 4, 4, Duration.ofHours(1), 3, 2), clock);
        // the peer name only finds the handshake: the key is bound to the certificate's identity
        EsCertKe.PairwiseKey a1 = handshake(t, "/id-mn/Cbob", alice);
        PairwiseKeys.PairwiseKey found =
                t.find(a1.relativeId(), clock.instant()).orElseThrow();
        assertThat(found.identity()).isEqualTo("/id-mn/Calice");
        assertThat(found.suid()).isEqualTo(43);
        assertThat(found.key()).isEqualTo(a1.key());

        // at most two keys per identity: a third of alice's pushes out the one she used least recently
        EsCertKe.PairwiseKey a2 = handshake(t, "alice", alice);
        assertThat(t.find(a1.relativeId(), clock.instant())).isPresent(); // a1 used after a2 was made
        EsCertKe.PairwiseKey a3 = handshake(t, "alice", alice);
        assertThat(t.find(a2.relativeId(), clock.instant())).isEmpty();
        assertThat(t.find(a1.relativeId(), clock.instant())).isPresent();
        // at most three in all: bob's second key pushes out the least recently used (a3; a1 was used since)
        EsCertKe.PairwiseKey b1 = handshake(t, "bob", bob);
        EsCertKe.PairwiseKey b2 = handshake(t, "bob", bob);
        assertThat(t.keyCount()).isEqualTo(3);
        assertThat(t.find(a3.relativeId(), clock.instant())).isEmpty();
        assertThat(t.find(a1.relativeId(), clock.instant()).orElseThrow().identity())
                .isEqualTo("/id-mn/Calice");
        assertThat(t.find(b1.relativeId(), clock.instant()).orElseThrow().identity())
                .isEqualTo("/id-mn/Cbob");

        clock.advance(Duration.ofHours(1));
        assertThat(t.find(b2.relativeId(), clock.instant()))
                .as("a key ends with its lifetime")
                .isEmpty();
        t.close();
        assertThat(t.keyCount()).isZero();
    }

    @Test
    void when_full_a_new_m1_is_refused_and_the_handshakes_under_way_go_on() {
        TestClock clock = new TestClock(Instant.now());
        EsCertKeTerminal t = terminal(
                new EsCertKeTerminal.Settings(Duration.ofSeconds(30), 3, 2, Duration.ofHours(1), 16, 4), clock);
        EsCertKe.Initiator victim = new EsCertKe.Initiator(credential(alice), terminator.certificate());
        byte[] victimM2 = t.receive("/id-mn/Calice", "sa:mn", victim.start());
        // one hop sends M1s under other names: it gets one more handshake, then BUSY; its replays change nothing
        byte[] captured = new EsCertKe.Initiator(credential(stranger), terminator.certificate()).start();
        t.receive("/id-mn/Cx1", "sa:mn", captured);
        for (String name : List.of("/id-mn/Cx2", "/id-mn/Cx3")) {
            assertThatThrownBy(() -> t.receive(name, "sa:mn", captured))
                    .isInstanceOfSatisfying(
                            EsCertKeException.class, e -> assertThat(e.kind()).isEqualTo(EsCertKeException.Kind.BUSY));
        }
        // another hop still gets room, up to the total; then nobody does
        EsCertKe.Initiator other = new EsCertKe.Initiator(credential(bob), terminator.certificate());
        byte[] otherM2 = t.receive("/id-other/Cbob", "sa:other", other.start());
        assertThatThrownBy(() -> t.receive("/id-third/Cy", "sa:third", captured))
                .isInstanceOfSatisfying(
                        EsCertKeException.class, e -> assertThat(e.kind()).isEqualTo(EsCertKeException.Kind.BUSY));
        assertThat(t.handshakeCount()).isEqualTo(3);
        // the handshakes under way complete
        assertThat(victim.finish(t.receive("/id-mn/Calice", "sa:mn", victim.next(victimM2)))
                        .key())
                .hasSize(32);
        assertThat(other.finish(t.receive("/id-other/Cbob", "sa:other", other.next(otherM2)))
                        .key())
                .hasSize(32);
        assertThat(t.keyCount()).isEqualTo(2);
        // and a handshake that timed out makes room again
        clock.advance(Duration.ofSeconds(31));
        assertThat(t.receive("/id-mn/Cx2", "sa:mn", captured)).isNotEmpty();
    }

    @Test
    void a_key_ends_with_its_certificate_or_its_revocation() {
        TestClock clock = new TestClock(Instant.now());
        java.util.Set<java.security.cert.X509Certificate> revoked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        EsCertKeTerminal t = terminal(
                EsCertKeTerminal.Settings.defaults().withKeyLifetime(Duration.ofDays(7)), clock, revoked::contains);
        EsCertKe.PairwiseKey a = handshake(t, "alice", alice);
        EsCertKe.PairwiseKey b = handshake(t, "bob", bob);
        assertThat(t.find(a.relativeId(), clock.instant())).isPresent();
        revoked.add(bob.certificate());
        assertThat(t.find(b.relativeId(), clock.instant()))
                .as("revoked: the key goes")
                .isEmpty();
        assertThatThrownBy(() -> handshake(t, "bob", bob))
                .isInstanceOfSatisfying(
                        EsCertKeException.class, e -> assertThat(e.kind()).isEqualTo(EsCertKeException.Kind.HANDSHAKE))
                .hasMessage("the initiator's certificate is revoked");
        // the certificates are valid for a day (openssl req -days 1): the key does not outlive alice's
        clock.advance(Duration.ofHours(25));
        assertThat(t.find(a.relativeId(), clock.instant())).isEmpty();
        assertThatThrownBy(() -> handshake(t, "alice", alice))
                .hasMessage("the initiator's certificate is not valid now");
        assertThat(t.keyCount()).isZero();
    }

    @Test
    void settings_beyond_their_caps_are_refused() {
        assertThatThrownBy(() -> EsCertKeTerminal.Settings.defaults().withKeyLifetime(Duration.ofDays(8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> EsCertKeTerminal.Settings.defaults().withKeyLifetime(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EsCertKeTerminal.Settings.defaults().withKeysPerIdentity(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_terminator_admits_someone_and_binds_each_to_an_identity() {
        assertThatThrownBy(() -> new EsCertKeTerminal(
                        credential(terminator), Map.of(), EsCertKeTerminal.Settings.defaults(), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EsCertKeTerminal(
                        credential(terminator),
                        Map.of(alice.certificate(), " "),
                        EsCertKeTerminal.Settings.defaults(),
                        Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(EsCertKeTerminal.isClientHello(new byte[] {22, 3, 1, 0, 5, 1}))
                .isTrue();
        assertThat(EsCertKeTerminal.isClientHello(new byte[] {22, 3, 3, 0, 5, 11}))
                .isFalse();
    }
}
