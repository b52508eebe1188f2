package io.citadel.protocol.codec;

import io.citadel.protocol.OneM2mException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * oneM2M XML (namespace {@value #NAMESPACE}) mapped to the same generic tree as JSON. Leaves stay text;
 * the schema converts them ({@link #isTextual()}). DTDs and external entities are refused.
 */
final class XmlCodec implements ContentCodec {
    static final String NAMESPACE = "http://www.onem2m.org/xml/protocols";
    /** The namespace of TS-0022's device configuration objects ({@code dcfg:nycfc}) [inferred URI]. */
    static final String DCFG_NAMESPACE = "http://www.onem2m.org/xml/dcfg";

    static final XmlCodec INSTANCE = new XmlCodec();
    private static final DocumentBuilderFactory FACTORY = secureFactory();

    private XmlCodec() {}

    private static DocumentBuilderFactory secureFactory() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(false);
            return f;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser cannot be secured", e);
        }
    }

    @Override
    public Serialization serialization() {
        return Serialization.XML;
    }

    @Override
    public boolean isTextual() {
        return true;
    }

    @Override
    public Object decode(byte[] bytes) {
        Document doc;
        try {
            DocumentBuilder builder = FACTORY.newDocumentBuilder();
            builder.setErrorHandler(null);
            doc = builder.parse(new ByteArrayInputStream(bytes));
        } catch (SAXParseException e) {
            throw MalformedContent.refused(Serialization.XML, e, e.getLineNumber(), e.getColumnNumber());
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw MalformedContent.refused(Serialization.XML, e, -1, -1);
        }
        Element root = doc.getDocumentElement();
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put(root.getTagName(), toValue(root, 0));
        return tree;
    }

    private static Object toValue(Element e, int depth) {
        if (depth > 64) {
            throw OneM2mException.badRequest("XML content nested too deeply");
        }
        Map<String, Object> members = new LinkedHashMap<>();
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Node a = attrs.item(i);
            String name = a.getNodeName();
            if (!name.equals("xmlns") && !name.startsWith("xmlns:") && !name.startsWith("xsi:")) {
                members.put(name, a.getNodeValue());
            }
        }
        boolean hasElements = false;
        NodeList children = e.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child) {
                hasElements = true;
                String name = child.getTagName();
                Object value = toValue(child, depth + 1);
                Object existing = members.get(name);
                if (existing == null && !members.containsKey(name)) {
                    members.put(name, value);
                } else if (existing instanceof Repeated r) {
                    r.add(value);
                } else {
                    Repeated r = new Repeated();
                    r.add(existing);
                    r.add(value);
                    members.put(name, r);
                }
            }
        }
        if (!hasElements && members.isEmpty()) {
            return e.getTextContent();
        }
        members.replaceAll((k, v) -> v instanceof Repeated r ? List.copyOf(r) : v);
        return members;
    }

    /** Marks lists made from repeated elements while a level is being read. */
    private static final class Repeated extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;
    }

    @Override
    public byte[] encode(Object tree) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        if (tree instanceof Map<?, ?> m && m.size() == 1) {
            Map.Entry<?, ?> root = m.entrySet().iterator().next();
            String name = String.valueOf(root.getKey());
            String namespaces = " xmlns:m2m=\"" + NAMESPACE + "\""
                    + (usesPrefix(m, "dcfg:", 0) ? " xmlns:dcfg=\"" + DCFG_NAMESPACE + "\"" : "");
            element(sb, name, root.getValue(), namespaces);
        } else {
            element(sb, "m2m:content", tree, " xmlns:m2m=\"" + NAMESPACE + "\"");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** True if a member name anywhere in the tree starts with {@code prefix}, so its namespace must be declared. */
    private static boolean usesPrefix(Object tree, String prefix, int depth) {
        if (depth > 64) {
            return false;
        }
        if (tree instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (String.valueOf(e.getKey()).startsWith(prefix) || usesPrefix(e.getValue(), prefix, depth + 1)) {
                    return true;
                }
            }
        } else if (tree instanceof List<?> list) {
            for (Object v : list) {
                if (usesPrefix(v, prefix, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void element(StringBuilder sb, String name, Object value, String extra) {
        if (value instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(v -> v instanceof Map<?, ?>)) {
            for (Object v : list) {
                element(sb, name, v, extra);
            }
            return;
        }
        sb.append('<').append(name).append(extra);
        if (value instanceof Map<?, ?> map) {
            sb.append('>');
            for (Map.Entry<?, ?> e : map.entrySet()) {
                element(sb, String.valueOf(e.getKey()), e.getValue(), "");
            }
        } else if (value instanceof List<?> list) {
            sb.append('>');
            StringBuilder joined = new StringBuilder();
            for (Object v : list) {
                if (joined.length() > 0) {
                    joined.append(' ');
                }
                joined.append(v);
            }
            escape(sb, joined.toString());
        } else if (value == null) {
            sb.append("/>");
            return;
        } else {
            sb.append('>');
            escape(sb, String.valueOf(value));
        }
        sb.append("</").append(name).append('>');
    }

    private static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
    }
}
