package io.citadel.engine.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.citadel.e2e.esdata.EsData;
import io.citadel.engine.Cse;
import io.citadel.engine.CseSettings;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.engine.store.memory.InMemoryResourceStore;
import io.citadel.protocol.Operation;
import io.citadel.protocol.RequestPrimitive;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.ResponsePrimitive;
import io.citadel.protocol.ResponseStatusCode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A container whose ESData policy ({@code esdp} 1, Citadel's) takes only protected content, in process: plain text, an
 * unsigned JWS, a JWE without or with the wrong content security in {@code cnf}, and a policy value that does not exist
 * are refused (4000) and nothing is stored; a JWE and a JWS are stored as they came.
 */
class EsDataContainerTest {
    static final String ADMIN = "CAdminEsdata";
    static final CseSettings SETTINGS =
            new CseSettings("/id-in", "cse-in", "//citadel.example", 1, ADMIN, List.of("C*"), List.of(), 100);

    Cse cse;
    byte[] key = new byte[16];

    @BeforeEach
    void start() {
        new SecureRandom().nextBytes(key);
        cse = Cse.builder(SETTINGS, new InMemoryResourceStore()).build();
    }

    @AfterEach
    void stop() {
        cse.close();
    }

    ResponsePrimitive create(String parent, int ty, Map<String, Object> content) {
        return cse.handle(
                RequestPrimitive.builder(Operation.CREATE, parent)
                        .from(ADMIN)
                        .requestId("c" + System.nanoTime())
                        .releaseVersion("3")
                        .resourceType(ty)
                        .content(content)
                        .build(),
                RequestContext.local());
    }

    ResponsePrimitive instance(String con, String cnf) {
        Map<String, Object> cin = cnf == null ? Map.of("con", con) : Map.of("con", con, "cnf", cnf);
        return create("/id-in/cse-in/sealed", ResourceType.CONTENT_INSTANCE.code(), Map.of("m2m:cin", cin));
    }

    @Test
    void unprotected_or_mislabelled_content_is_refused_and_protected_content_is_stored_as_it_came() {
        assertThat(create("/id-in/cse-in", 3, Map.of("m2m:cnt", Map.of("rn", "odd", "esdp", 5)))
                        .status())
                .isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(create("/id-in/cse-in", 3, Map.of("m2m:cnt", Map.of("rn", "sealed", "esdp", 1)))
                        .status())
                .isEqualTo(ResponseStatusCode.CREATED);
        String jwe = EsData.encrypt(
                        "{\"t\":1}".getBytes(StandardCharsets.UTF_8),
                        List.of(new EsData.SymmetricRecipient("14-k@citadel.example", key)),
                        false)
                .envelope();
        ResponsePrimitive plain = instance("21.5", "text/plain:0");
        assertThat(plain.status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(plain.content().toString()).contains("this container takes ESData-protected content only");
        assertThat(instance("eyJhbGciOiJub25lIn0.eyJ0IjoxfQ.", "application/json:0:1")
                        .status())
                .isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(instance(jwe, "application/json:0").status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(instance(jwe, "application/json:0:2").content().toString())
                .contains("cnf must name the content security of the protected content (<type>:<encoding>:1)");
        assertThat(cse.handle(
                                RequestPrimitive.builder(Operation.RETRIEVE, "/id-in/cse-in/sealed")
                                        .from(ADMIN)
                                        .requestId("r")
                                        .releaseVersion("3")
                                        .build(),
                                RequestContext.local())
                        .content()
                        .toString())
                .contains("cni=0");

        assertThat(instance(jwe, "application/json:0:1").status()).isEqualTo(ResponseStatusCode.CREATED);
        String jws = EsData.sign(
                        "{\"t\":2}".getBytes(StandardCharsets.UTF_8),
                        new EsData.SymmetricSigner("15-k@citadel.example", java.util.Arrays.copyOf(key, 32)))
                .envelope();
        assertThat(instance(jws, "application/json:0:1").status()).isEqualTo(ResponseStatusCode.CREATED);
        ResponsePrimitive latest = cse.handle(
                RequestPrimitive.builder(Operation.RETRIEVE, "/id-in/cse-in/sealed/la")
                        .from(ADMIN)
                        .requestId("la")
                        .releaseVersion("3")
                        .build(),
                RequestContext.local());
        assertThat(latest.content().toString()).contains(jws);
    }
}
