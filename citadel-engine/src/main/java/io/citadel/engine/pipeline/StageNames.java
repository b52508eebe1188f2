package io.citadel.engine.pipeline;

/**
 * The names of the engine's standard stages, in the order they run, for {@link Pipeline.Builder#before} and
 * {@link Pipeline.Builder#after}.
 */
public final class StageNames {
    /** Receiver checks that need no resource (TS-0004 §7.3.2.1): rqi, rvi, From, ty, rcn, rqet, rset, oet. */
    public static final String VALIDATE = "validate";
    /** Binds {@code From} to what the hop's security association proved (4106/4107); sets the originator ID. */
    public static final String IDENTIFY = "identify";
    /** Accepts a non-blocking request ({@code rt} 1 or 2) and runs it later through the whole pipeline. */
    public static final String NON_BLOCKING = "non-blocking";
    /** Forwards a request whose target lives in another CSE. */
    public static final String FORWARD = "forward";
    /** Withholds a result that was ready after its expiration time ({@code rset}). */
    public static final String RESULT_EXPIRATION = "result-expiration";
    /** Gathers the originator's tokens and roles for the request handled here. */
    public static final String CREDENTIALS = "credentials";
    /** Resolves {@code To} to a resource of this CSE (or a virtual one). */
    public static final String TARGET = "target";
    /**
     * ESPrim as the receiver: answers a NOTIFY {@code m2m:seci} sit 3 to the CSEBase, opens sit 5 and runs its inner
     * request through the whole pipeline, sealing the answer.
     */
    public static final String ESPRIM = "esprim";
    /** ESCertKE as the terminator: answers a NOTIFY {@code m2m:seci} sit 6 to the CSEBase with the next message. */
    public static final String ESCERTKE = "escertke";
    /** Waits for the operation execution time ({@code oet}). */
    public static final String EXECUTION_TIME = "execution-time";
    /**
     * Has the operation describe what the request needs to be allowed (after its checks that need no permission)
     * and decides it, once, audited; refuses when denied.
     */
    public static final String AUTHORIZE = "authorize";
    /** Runs the operation the authorize stage allowed. */
    public static final String OPERATE = "operate";

    private StageNames() {}
}
