package io.citadel.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A specialization's member name is the XML root (or a child element) and its prefix is declared. */
class SpecializationXmlTest {
    private static final ContentCodec XML = ContentCodec.of(Serialization.XML);

    private static String encode(Object tree) {
        return new String(XML.encode(tree), StandardCharsets.UTF_8);
    }

    @Test
    void an_m2m_specialization_declares_only_the_m2m_prefix() {
        String xml = encode(Map.of("m2m:fwr", Map.of("mgd", 1001L, "vr", "1.0")));
        assertThat(xml).contains("<m2m:fwr xmlns:m2m=").doesNotContain("xmlns:dcfg");
    }

    @Test
    void a_dcfg_specialization_declares_its_prefix_at_the_root_or_below() {
        assertThat(encode(Map.of("dcfg:aupf", Map.of("mgd", 1022L, "suid", 12L))))
                .contains("<dcfg:aupf xmlns:m2m=\"http://www.onem2m.org/xml/protocols\" xmlns:dcfg=");
        assertThat(encode(Map.of("m2m:nod", Map.of("ni", "n1", "dcfg:aupf", List.of(Map.of("suid", 12L))))))
                .startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><m2m:nod xmlns:m2m=")
                .contains("xmlns:dcfg=")
                .contains("<dcfg:aupf><suid>12</suid></dcfg:aupf>");
    }

    @Test
    void decoding_keeps_the_prefixed_member_name() {
        byte[] in = ("<dcfg:aupf xmlns:dcfg=\"http://www.onem2m.org/xml/dcfg\"><mgd>1022</mgd><suid>12</suid>"
                        + "</dcfg:aupf>")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(XML.decode(in)).isEqualTo(Map.of("dcfg:aupf", Map.of("mgd", "1022", "suid", "12")));
    }
}
