package io.citadel.engine.pipeline;

/** The facts of the standard stages that any stage may read. */
public final class Facts {
    /**
     * The originator ID in normalised form (SP-relative, or absolute for another SP), bound to the hop's
     * security association when there is one; empty for an AE registration without {@code From}. Set by
     * {@link StageNames#IDENTIFY}.
     */
    public static final Exchange.Key<String> ORIGINATOR_ID = Exchange.Key.of("originator ID", String.class);

    private Facts() {}
}
