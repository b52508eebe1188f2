package io.citadel.client.coap;

import io.citadel.protocol.binding.CoapOptionNumbers;
import java.util.List;
import org.eclipse.californium.core.coap.Option;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.option.IntegerOptionDefinition;
import org.eclipse.californium.core.coap.option.MapBasedOptionRegistry;
import org.eclipse.californium.core.coap.option.OptionDefinition;
import org.eclipse.californium.core.coap.option.StandardOptionRegistry;
import org.eclipse.californium.core.coap.option.StringOptionDefinition;

/**
 * The oneM2M CoAP options (TS-0008 V3.9 §6.2.2.4, digest bindings §2.2) and the legacy Release 1/2
 * numbers 256 (From), 257 (Request Identifier) and 265 (Response Status Code) that older clients send, as
 * Californium option definitions ({@link CoapOptionNumbers} holds the numbers). One table for the AE SDK and
 * the CSE's CoAP binding, as Californium's option registry is process-wide.
 */
public final class CoapOptions {
    public static final StringOptionDefinition FR =
            new StringOptionDefinition(CoapOptionNumbers.FR, "oneM2M-FR", true, 0, 255);
    public static final StringOptionDefinition RQI =
            new StringOptionDefinition(CoapOptionNumbers.RQI, "oneM2M-RQI", true, 0, 255);
    public static final StringOptionDefinition OT =
            new StringOptionDefinition(CoapOptionNumbers.OT, "oneM2M-OT", true, 0, 32);
    public static final StringOptionDefinition RQET =
            new StringOptionDefinition(CoapOptionNumbers.RQET, "oneM2M-RQET", true, 0, 32);
    public static final StringOptionDefinition RSET =
            new StringOptionDefinition(CoapOptionNumbers.RSET, "oneM2M-RSET", true, 0, 32);
    public static final StringOptionDefinition OET =
            new StringOptionDefinition(CoapOptionNumbers.OET, "oneM2M-OET", true, 0, 32);
    public static final StringOptionDefinition RTURI =
            new StringOptionDefinition(CoapOptionNumbers.RTURI, "oneM2M-RTURI", false, 0, 255);
    public static final IntegerOptionDefinition EC =
            new IntegerOptionDefinition(CoapOptionNumbers.EC, "oneM2M-EC", true, 0, 2);
    public static final IntegerOptionDefinition RSC =
            new IntegerOptionDefinition(CoapOptionNumbers.RSC, "oneM2M-RSC", true, 0, 2);
    public static final StringOptionDefinition GID =
            new StringOptionDefinition(CoapOptionNumbers.GID, "oneM2M-GID", true, 0, 255);
    public static final IntegerOptionDefinition TY =
            new IntegerOptionDefinition(CoapOptionNumbers.TY, "oneM2M-TY", true, 0, 2);
    public static final IntegerOptionDefinition CTO =
            new IntegerOptionDefinition(CoapOptionNumbers.CTO, "oneM2M-CTO", true, 0, 2);
    public static final IntegerOptionDefinition CTS =
            new IntegerOptionDefinition(CoapOptionNumbers.CTS, "oneM2M-CTS", true, 0, 2);
    public static final StringOptionDefinition ATI =
            new StringOptionDefinition(CoapOptionNumbers.ATI, "oneM2M-ATI", true, 0, 255);
    public static final StringOptionDefinition RVI =
            new StringOptionDefinition(CoapOptionNumbers.RVI, "oneM2M-RVI", true, 0, 4);
    public static final StringOptionDefinition VSI =
            new StringOptionDefinition(CoapOptionNumbers.VSI, "oneM2M-VSI", true, 0, 255);
    public static final StringOptionDefinition GTM =
            new StringOptionDefinition(CoapOptionNumbers.GTM, "oneM2M-GTM", true, 0, 512);
    public static final StringOptionDefinition AUS =
            new StringOptionDefinition(CoapOptionNumbers.AUS, "oneM2M-AUS", true, 0, 255);
    public static final StringOptionDefinition ASRI =
            new StringOptionDefinition(CoapOptionNumbers.ASRI, "oneM2M-ASRI", true, 0, 255);
    public static final StringOptionDefinition LEGACY_FR =
            new StringOptionDefinition(CoapOptionNumbers.LEGACY_FR, "oneM2M-FR-legacy", true, 0, 255);
    public static final StringOptionDefinition LEGACY_RQI =
            new StringOptionDefinition(CoapOptionNumbers.LEGACY_RQI, "oneM2M-RQI-legacy", true, 0, 255);
    public static final IntegerOptionDefinition LEGACY_RSC =
            new IntegerOptionDefinition(CoapOptionNumbers.LEGACY_RSC, "oneM2M-RSC-legacy", true, 0, 2);

    private static final List<OptionDefinition> ALL = List.of(
            FR,
            RQI,
            OT,
            RQET,
            RSET,
            OET,
            RTURI,
            EC,
            RSC,
            GID,
            TY,
            CTO,
            CTS,
            ATI,
            RVI,
            VSI,
            GTM,
            AUS,
            ASRI,
            LEGACY_FR,
            LEGACY_RQI,
            LEGACY_RSC);
    private static boolean installed;

    private CoapOptions() {}

    /** Makes Californium parse and write the oneM2M options (process-wide, once). */
    public static synchronized void install() {
        if (!installed) {
            StandardOptionRegistry.setDefaultOptionRegistry(new MapBasedOptionRegistry(
                    StandardOptionRegistry.getDefaultOptionRegistry(), ALL.toArray(OptionDefinition[]::new)));
            installed = true;
        }
    }

    /** The string value of an option, the current number first, then the legacy one; null when absent. */
    public static String text(OptionSet options, StringOptionDefinition current, StringOptionDefinition legacy) {
        Option o = options.getOtherOption(current);
        if (o == null && legacy != null) {
            o = options.getOtherOption(legacy);
        }
        return o == null ? null : o.getStringValue();
    }

    /** The integer value of an option; null when absent. */
    public static Integer integer(OptionSet options, IntegerOptionDefinition definition) {
        Option o = options.getOtherOption(definition);
        return o == null ? null : o.getIntegerValue();
    }
}
