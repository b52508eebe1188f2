package io.citadel.bench;

import io.citadel.security.AccessControlRule;
import io.citadel.security.AccessDecider;
import io.citadel.security.AccessRequest;
import io.citadel.security.GoverningPolicy;
import io.citadel.security.OriginatorIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Cost of one access decision with N rules where only the last one matches (worst case); N=1 is the baseline. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AccessDecisionBenchmark {
    @Param({"1", "100", "10000"})
    int rules;

    /** Whether every rule also carries a context (time window and IPv4 block) that the last one satisfies. */
    @Param({"false", "true"})
    boolean contexts;

    private AccessDecider decider;
    private AccessRequest request;
    private GoverningPolicy policy;

    @Setup
    public void setUp() {
        OriginatorIds ids = new OriginatorIds("/id-in", "//citadel.example");
        List<Object> acr = new ArrayList<>();
        List<Object> acco =
                List.of(Map.of("actw", List.of("* * * * * 0-6 *"), "acip", Map.of("ipv4", List.of("127.0.0.0/8"))));
        for (int i = 0; i < rules - 1; i++) {
            acr.add(
                    contexts
                            ? Map.of("acor", List.of("Cother" + i + "*"), "acop", 63L, "acco", acco)
                            : Map.of("acor", List.of("Cother" + i + "*"), "acop", 63L));
        }
        acr.add(
                contexts
                        ? Map.of("acor", List.of("Csensor*"), "acop", 2L, "acco", acco)
                        : Map.of("acor", List.of("Csensor*"), "acop", 2L));
        policy = new GoverningPolicy.Rules(
                List.of(new GoverningPolicy.NamedRules("acp", AccessControlRule.parseSet(Map.of("acr", acr), ids))));
        decider = new AccessDecider("/id-in/CAdmin");
        request = AccessRequest.of("/id-in/Csensor42", false, 2, null, 3, "127.0.0.1", Instant.now());
    }

    @Benchmark
    public boolean decide() {
        return decider.decide(request, policy).permitted();
    }
}
