package io.citadel.engine.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.e2e.esprim.EsprimObject;
import io.citadel.e2e.esprim.EsprimOriginator;
import io.citadel.e2e.esprim.EsprimReceiver;
import io.citadel.e2e.esprim.PairwiseKeys;
import io.citadel.e2e.esprim.RandObject;
import io.citadel.e2e.esprim.SessionKeys;
import io.citadel.engine.Cse;
import io.citadel.engine.CseSettings;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.store.memory.InMemoryResourceStore;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import io.citadel.protocol.codec.PrimitiveCodec;
import io.citadel.protocol.codec.Serialization;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ESPrim stage in process on the in-memory store: the CSE as the receiver of ESPrim objects from AE Cae1, whose
 * pairwise key (SUID 13) it holds. Refusals first, each changing nothing: an unparsable object (4000), an unknown key
 * (4112), a tampered object (4115), an inner request from another originator (4116), one for another CSE (4005), a
 * replay (4113); then the rand object exchange (sit 3/4) and a CREATE and a RETRIEVE whose answers come back sealed.
 */
class EsprimStageTest {
    static final CseSettings SETTINGS =
            new CseSettings("/id-in", "cse-in", "//citadel.example", 1, "CAdminEsprim", List.of("C*"), List.of(), 100);
    static final String KID = "esprim-ae1@citadel.example";

    byte[] pairwise = new byte[32];
    Cse cse;

    @BeforeEach
    void start() {
        new SecureRandom().nextBytes(pairwise);
        PairwiseKeys keys = (kid, now) ->
                KID.equals(kid) ? Optional.of(new PairwiseKeys.PairwiseKey(KID, pairwise, "Cae1")) : Optional.empty();
        cse = Cse.builder(SETTINGS, new InMemoryResourceStore())
                .esprim(keys, EsprimReceiver.Settings.defaults())
                .build();
        ResponsePrimitive ae = cse.handle(
                RequestPrimitive.builder(Operation.CREATE, "/id-in/cse-in")
                        .from("Cae1")
                        .requestId("reg")
                        .releaseVersion("3")
                        .resourceType(ResourceType.AE.code())
                        .content(Map.of(
                                "m2m:ae", Map.of("rn", "Cae1", "api", "Nesprim", "rr", false, "srv", List.of("3"))))
                        .build(),
                RequestContext.local());
        assertThat(ae.status()).as(String.valueOf(ae.content())).isEqualTo(ResponseStatusCode.CREATED);
    }

    @AfterEach
    void stop() {
        cse.close();
    }

    ResponsePrimitive notify(Map<String, Object> seci) {
        return cse.handle(
                RequestPrimitive.builder(Operation.NOTIFY, "/id-in/cse-in")
                        .from("Cae1")
                        .requestId("outer-" + System.nanoTime())
                        .releaseVersion("3")
                        .content(Map.of("m2m:seci", seci))
                        .build(),
                RequestContext.local());
    }

    @SuppressWarnings("unchecked")
    RandObject receiverRand() {
        ResponsePrimitive r = notify(Map.of("sit", 3L));
        assertThat(r.status()).isEqualTo(ResponseStatusCode.OK);
        Map<String, Object> seci = (Map<String, Object>) ((Map<String, Object>) r.content()).get("m2m:seci");
        assertThat(seci.get("sit")).isEqualTo(4L);
        return RandObject.parse(seci.get("ero"), true);
    }

    EsprimOriginator originator(String kid, byte[] key) {
        return new EsprimOriginator(
                kid, key, receiverRand(), 10, Duration.ofMinutes(10), SessionKeys.Input.VALUES, Clock.systemUTC());
    }

    static byte[] json(RequestPrimitive inner) {
        return PrimitiveCodec.serialize(PrimitiveCodec.encode(inner), Serialization.JSON);
    }

    static RequestPrimitive createContainer(String from, String parent, String rn) {
        return RequestPrimitive.builder(Operation.CREATE, parent)
                .from(from)
                .requestId("inner-" + rn)
                .releaseVersion("3")
                .resourceType(ResourceType.CONTAINER.code())
                .content(Map.of("m2m:cnt", Map.of("rn", rn)))
                .build();
    }

    ResponsePrimitive send(EsprimOriginator o, RequestPrimitive inner) {
        return notify(Map.of("sit", 5L, "epo", o.seal(json(inner), EsprimObject.REQUEST_TYPE)));
    }

    @SuppressWarnings("unchecked")
    static ResponsePrimitive opened(EsprimOriginator o, ResponsePrimitive outer) {
        assertThat(outer.status()).as(String.valueOf(outer.content())).isEqualTo(ResponseStatusCode.OK);
        Map<String, Object> seci = (Map<String, Object>) ((Map<String, Object>) outer.content()).get("m2m:seci");
        assertThat(seci.get("sit")).isEqualTo(5L);
        return PrimitiveCodec.decodeResponse(
                PrimitiveCodec.document(o.open((String) seci.get("epo")), Serialization.JSON));
    }

    boolean exists(String path) {
        return cse.handle(
                                RequestPrimitive.builder(Operation.RETRIEVE, path)
                                        .from("CAdminEsprim")
                                        .requestId("check")
                                        .releaseVersion("3")
                                        .build(),
                                RequestContext.local())
                        .status()
                == ResponseStatusCode.OK;
    }

    @Test
    void malformed_unknown_tampered_impersonating_misdirected_or_replayed_objects_are_refused_and_change_nothing() {
        assertThat(notify(Map.of("sit", 5L, "epo", "not.a.jwe")).status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(notify(Map.of("sit", 5L)).status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        byte[] other = pairwise.clone();
        other[0] ^= 1;
        assertThat(send(
                                originator("esprim-unknown@citadel.example", other),
                                createContainer("Cae1", "/id-in/cse-in/Cae1", "a"))
                        .status())
                .isEqualTo(ResponseStatusCode.ESPRIM_UNKNOWN_KEY_ID);
        assertThat(send(originator(KID, other), createContainer("Cae1", "/id-in/cse-in/Cae1", "b"))
                        .status())
                .isEqualTo(ResponseStatusCode.ESPRIM_BAD_MAC);
        EsprimOriginator genuine = originator(KID, pairwise);
        ResponsePrimitive impersonating = send(genuine, createContainer("Cother", "/id-in/cse-in/Cae1", "c"));
        assertThat(impersonating.status()).isEqualTo(ResponseStatusCode.ESPRIM_IMPERSONATION_ERROR);
        assertThat(impersonating.content())
                .isEqualTo(
                        Map.of("m2m:dbg", "the inner request is not from the identity the pairwise key is bound to"));
        assertThat(send(genuine, createContainer("Cae1", "/id-mn/cse-mn/x", "d"))
                        .status())
                .isEqualTo(ResponseStatusCode.OPERATION_NOT_ALLOWED);
        assertThat(List.of("a", "b", "c", "d")).noneMatch(rn -> exists("/id-in/cse-in/Cae1/" + rn));

        String sealed =
                genuine.seal(json(createContainer("Cae1", "/id-in/cse-in/Cae1", "once")), EsprimObject.REQUEST_TYPE);
        assertThat(opened(genuine, notify(Map.of("sit", 5L, "epo", sealed))).status())
                .isEqualTo(ResponseStatusCode.CREATED);
        assertThat(cse.handle(
                                RequestPrimitive.builder(Operation.DELETE, "/id-in/cse-in/Cae1/once")
                                        .from("CAdminEsprim")
                                        .requestId("del")
                                        .releaseVersion("3")
                                        .build(),
                                RequestContext.local())
                        .status())
                .isEqualTo(ResponseStatusCode.DELETED);
        assertThat(notify(Map.of("sit", 5L, "epo", sealed)).status())
                .as("a replay of the CREATE")
                .isEqualTo(ResponseStatusCode.ESPRIM_UNKNOWN_ORIG_RAND_ID);
        assertThat(exists("/id-in/cse-in/Cae1/once")).isFalse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_cse_base_shows_its_esprim_suids_and_the_receiver_rand_object_an_originator_may_use() {
        ResponsePrimitive cb = cse.handle(
                RequestPrimitive.builder(Operation.RETRIEVE, "/id-in/cse-in")
                        .from("Cae1")
                        .requestId("cb")
                        .releaseVersion("3")
                        .build(),
                RequestContext.local());
        Map<String, Object> esi = (Map<String, Object>)
                ((Map<String, Object>) ((Map<String, Object>) cb.content()).get("m2m:cb")).get("esi");
        assertThat(esi).containsEntry("esf", List.of(13L));
        RandObject esro = RandObject.parse(esi.get("esro"), true);
        assertThat(esro).isEqualTo(receiverRand()).as("the sit 3 answer is the same shared object");
        EsprimOriginator o = new EsprimOriginator(
                KID, pairwise, esro, 10, Duration.ofMinutes(10), SessionKeys.Input.VALUES, Clock.systemUTC());
        assertThat(opened(o, send(o, createContainer("Cae1", "/id-in/cse-in/Cae1", "via-esro")))
                        .status())
                .isEqualTo(ResponseStatusCode.CREATED);
    }

    @Test
    void a_create_and_a_retrieve_through_esprim_are_answered_sealed() {
        EsprimOriginator o = originator(KID, pairwise);
        ResponsePrimitive created = opened(o, send(o, createContainer("Cae1", "/id-in/cse-in/Cae1", "secret")));
        assertThat(created.status()).isEqualTo(ResponseStatusCode.CREATED);
        assertThat(created.requestId()).isEqualTo("inner-secret");
        ResponsePrimitive read = opened(
                o,
                send(
                        o,
                        RequestPrimitive.builder(Operation.RETRIEVE, "/id-in/cse-in/Cae1/secret")
                                .from("Cae1")
                                .requestId("inner-read")
                                .releaseVersion("3")
                                .build()));
        assertThat(read.status()).isEqualTo(ResponseStatusCode.OK);
        assertThat(String.valueOf(read.content())).contains("secret");
        assertThat(exists("/id-in/cse-in/Cae1/secret")).isTrue();
    }
}
