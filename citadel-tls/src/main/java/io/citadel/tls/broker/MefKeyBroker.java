package io.citadel.tls.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.credentials.BoundOriginators;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;

/**
 * A MEF as the broker of the keys it provisioned (TS-0003 §8.3.2.1 "Use of Remotely Provisioned Credential"): this
 * CSE, an enrolment target, asks {@code GET <base>/fetchCredentials/<KeID>/<SUID>} over TLS with its own certificate
 * ({@code X-M2M-Origin} its CSE-ID) and gets the usage-constrained key, the enrolee's ID and the key's lifetime.
 * The answer is read up to 8 KiB and checked before anything is kept.
 */
public final class MefKeyBroker implements KeyBroker {
    /** The SUID of a key for a security association (SAEF) provisioned by a MEF (TS-0004 m2m:suid 22). */
    public static final int SAEF_SUID = 22;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ANSWER = 8 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI base;
    private final String cseId;
    private final HttpClient http;

    /**
     * @param base  the MEF's URI, e.g. {@code https://mef.sp.example:8444}
     * @param cseId this CSE's CSE-ID, e.g. {@code /id-in}
     * @param tls   this CSE's certificate and trust in the MEF
     */
    public MefKeyBroker(URI base, String cseId, SSLContext tls, Executor executor) {
        this.base = base;
        this.cseId = cseId;
        this.http = HttpClient.newBuilder()
                .sslContext(tls)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT)
                .executor(executor)
                .build();
    }

    @Override
    public CompletableFuture<BrokeredKey> fetch(String identity) {
        String path = base.getPath().replaceFirst("/$", "") + "/fetchCredentials/" + identity + "/" + SAEF_SUID;
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(TIMEOUT)
                .header("X-M2M-Origin", cseId)
                .header("X-M2M-RI", "fetch-" + UUID.randomUUID())
                .header("Accept", "application/json")
                .GET()
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> answer(identity, response))
                .exceptionally(e -> {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof KeyBrokerException k) {
                        throw k;
                    }
                    throw new KeyBrokerException("the MEF at " + base + " could not be asked: "
                            + cause.getClass().getSimpleName());
                });
    }

    private static BrokeredKey answer(String identity, HttpResponse<InputStream> response) {
        JsonNode body;
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_ANSWER + 1);
            if (bytes.length > MAX_ANSWER) {
                throw new KeyBrokerException("the MEF's answer for " + identity + " is too long");
            }
            body = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new KeyBrokerException("the MEF's answer for " + identity + " is not JSON");
        }
        if (body == null || !body.path("status").asBoolean(false) || response.statusCode() != 200) {
            String why = body == null ? "" : body.path("errorString").asText("");
            throw new KeyBrokerException("the MEF refused " + identity + " (" + response.statusCode() + ")"
                    + (why.isEmpty() ? "" : ": " + why.substring(0, Math.min(why.length(), 200))));
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(body.path("credential").asText(""));
        } catch (IllegalArgumentException e) {
            throw new KeyBrokerException("the MEF's key for " + identity + " is not base64");
        }
        String enrolee = body.path("enroleeID").asText("");
        if (BoundOriginators.problem(enrolee).isPresent()) {
            throw new KeyBrokerException("the MEF's enrolee for " + identity + " is not an AE-ID or CSE-ID");
        }
        Instant until;
        try {
            until = Instant.parse(body.path("lifetime").asText(""));
        } catch (DateTimeParseException e) {
            throw new KeyBrokerException("the MEF's lifetime for " + identity + " is not a UTC timestamp");
        }
        try {
            return new BrokeredKey(key, enrolee, until);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }
}
