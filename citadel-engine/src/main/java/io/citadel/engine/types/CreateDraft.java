package io.citadel.engine.types;

import io.citadel.engine.resources.Resource;
import java.time.Instant;
import java.util.Map;

/**
 * A resource about to be created, open to its type's behaviour before it is stored. The ID, name and
 * creator start with the engine's defaults; a behaviour may replace them (an AE's ID is its stem).
 */
public final class CreateDraft {
    private final Resource parent;
    private final Map<String, Object> attributes;
    private final String rawFrom;
    private final Instant now;
    private String ri;
    private String creator;

    /**
     * @param attributes validated request attributes; mutable, the behaviour adds CSE-assigned ones
     * @param rawFrom the {@code From} as received, possibly null
     * @param creator the normalised originator
     */
    public CreateDraft(
            Resource parent, Map<String, Object> attributes, String rawFrom, String creator, String ri, Instant now) {
        this.parent = parent;
        this.attributes = attributes;
        this.rawFrom = rawFrom;
        this.creator = creator;
        this.ri = ri;
        this.now = now;
    }

    public Resource parent() {
        return parent;
    }

    public Map<String, Object> attributes() {
        return attributes;
    }

    public String rawFrom() {
        return rawFrom;
    }

    public Instant now() {
        return now;
    }

    public String ri() {
        return ri;
    }

    public String creator() {
        return creator;
    }

    public void ri(String value) {
        this.ri = value;
    }

    public void creator(String value) {
        this.creator = value;
    }
}
