package io.citadel.protocol.binding;

/**
 * The numbers of the oneM2M CoAP options (TS-0008 V3.9 §6.2.2.4, digest bindings §2.2), and the legacy
 * Release 1/2 numbers 256 (From), 257 (Request Identifier) and 265 (Response Status Code) that older clients
 * send. Shared by the CSE's CoAP binding and the AE SDK, which give them to their CoAP library.
 */
public final class CoapOptionNumbers {
    public static final int FR = 279;
    public static final int RQI = 283;
    public static final int OT = 259;
    public static final int RQET = 291;
    public static final int RSET = 295;
    public static final int OET = 299;
    public static final int RTURI = 263;
    public static final int EC = 303;
    public static final int RSC = 307;
    public static final int GID = 311;
    public static final int TY = 267;
    public static final int CTO = 319;
    public static final int CTS = 323;
    public static final int ATI = 327;
    public static final int RVI = 271;
    public static final int VSI = 331;
    public static final int GTM = 335;
    public static final int AUS = 339;
    public static final int ASRI = 275;
    public static final int LEGACY_FR = 256;
    public static final int LEGACY_RQI = 257;
    public static final int LEGACY_RSC = 265;

    private CoapOptionNumbers() {}
}
