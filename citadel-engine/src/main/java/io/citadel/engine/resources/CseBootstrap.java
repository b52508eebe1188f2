package io.citadel.engine.resources;

import io.citadel.engine.CseSettings;
import io.citadel.engine.store.ResourceStore;
import io.citadel.protocol.ReleaseVersion;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.Timestamps;
import io.citadel.protocol.schema.ResourceSchema;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates the CSEBase on first start and refreshes its configuration-derived attributes on every start.
 * Refuses a data store that belongs to a CSE with another ID or name.
 */
public final class CseBootstrap {
    private final CseSettings settings;
    private final ResourceSchema schema;
    private final ResourceStore store;
    private final ResourceRepository repository;

    public CseBootstrap(
            CseSettings settings, ResourceSchema schema, ResourceStore store, ResourceRepository repository) {
        this.settings = settings;
        this.schema = schema;
        this.store = store;
        this.repository = repository;
    }

    public void ensureCseBase() {
        Writes.await(store.write(tx -> {
            Optional<Resource> existing = tx.findById(settings.cseBaseId());
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("cst", (long) settings.cseType());
            config.put("csi", settings.cseId());
            config.put(
                    "srt",
                    schema.supportedTypes().stream().map(Integer::longValue).toList());
            config.put("poa", settings.pointOfAccess());
            config.put("csz", List.of("json", "cbor", "xml"));
            config.put("srv", ReleaseVersion.SUPPORTED);
            if (existing.isPresent()) {
                Resource cb = existing.get();
                if (!cb.name().equals(settings.cseName()) || cb.type() != ResourceType.CSE_BASE) {
                    throw new IllegalStateException("the data store belongs to CSEBase '" + cb.name() + "', not '"
                            + settings.cseName() + "'; use another data directory");
                }
                tx.update(cb.with(config));
                return null;
            }
            if (tx.findByPath(settings.cseName()).isPresent()) {
                throw new IllegalStateException("the data store belongs to another CSE-ID; use another data directory");
            }
            String now = Timestamps.format(Instant.now());
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("ty", (long) ResourceType.CSE_BASE.code());
            attrs.put("ri", settings.cseBaseId());
            attrs.put("rn", settings.cseName());
            attrs.put("pi", "");
            attrs.put("ct", now);
            attrs.put("lt", now);
            attrs.putAll(config);
            tx.insert(new Resource(
                    settings.cseBaseId(),
                    ResourceType.CSE_BASE,
                    "",
                    settings.cseName(),
                    settings.cseName(),
                    tx.nextSequence(),
                    settings.cseId(),
                    attrs));
            return null;
        }));
        repository.findByPath(settings.cseName()).orElseThrow(() -> new IllegalStateException("CSEBase not readable"));
    }
}
