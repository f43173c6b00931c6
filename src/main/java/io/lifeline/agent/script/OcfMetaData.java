package io.lifeline.agent.script;

import io.lifeline.agent.AgentHints;
import io.lifeline.agent.AgentHints.ActionHint;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The parts of an OCF agent's meta-data XML that Lifeline uses: the parameters (to check a
 * haresources word's {@code name=value} fields) and the actions with their timeout, interval
 * and depth hints. The agent's DOCTYPE is tolerated but its DTD is never fetched.
 */
public record OcfMetaData(String name, String shortDescription, List<Parameter> parameters, AgentHints hints) {

    public OcfMetaData {
        parameters = List.copyOf(parameters);
    }

    public record Parameter(String name, boolean required, Optional<String> defaultValue, String shortDescription) {
    }

    public Optional<Parameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Parses meta-data; an {@link IllegalArgumentException} says what is wrong with it. */
    public static OcfMetaData parse(String xml) {
        Document doc;
        try {
            DocumentBuilder builder = factory().newDocumentBuilder();
            builder.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                    // warnings (e.g. about the DTD we do not load) do not make the meta-data unusable
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            doc = builder.parse(new InputSource(new StringReader(xml)));
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("meta-data is not well-formed XML: " + e.getMessage(), e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser unavailable", e);
        }
        Element root = doc.getDocumentElement();
        if (!root.getTagName().equals("resource-agent")) {
            throw new IllegalArgumentException("meta-data root element is <" + root.getTagName()
                    + ">, expected <resource-agent>");
        }
        List<Parameter> parameters = new ArrayList<>();
        java.util.Set<String> reloadable = new java.util.HashSet<>();
        java.util.Set<String> notUnique = new java.util.HashSet<>();
        for (Element p : children(child(root, "parameters"), "parameter")) {
            if (isTrue(p.getAttribute("reloadable"))) {
                reloadable.add(p.getAttribute("name"));
            }
            if (!isTrue(p.getAttribute("unique"))) {
                notUnique.add(p.getAttribute("name"));
            }
            Element content = child(p, "content");
            Optional<String> def = content == null || !content.hasAttribute("default")
                    ? Optional.empty() : Optional.of(content.getAttribute("default"));
            parameters.add(new Parameter(p.getAttribute("name"), isTrue(p.getAttribute("required")), def,
                    text(child(p, "shortdesc"))));
        }
        List<ActionHint> actions = new ArrayList<>();
        for (Element a : children(child(root, "actions"), "action")) {
            int depth = 0;
            try {
                depth = a.getAttribute("depth").isBlank() ? 0 : Integer.parseInt(a.getAttribute("depth").strip());
            } catch (NumberFormatException ignored) {
                // an unreadable depth is treated as the light (0) level
            }
            actions.add(new ActionHint(a.getAttribute("name"), OcfDurations.parse(a.getAttribute("timeout")),
                    OcfDurations.parse(a.getAttribute("interval")), depth));
        }
        Optional<AgentHints.Reload> reload = Optional.empty();
        if (actions.stream().anyMatch(a -> a.name().equals("reload-agent"))) {
            reload = Optional.of(new AgentHints.Reload("reload-agent", reloadable));
        } else if (actions.stream().anyMatch(a -> a.name().equals("reload")) && !claimsOcf11(root)) {
            // Pacemaker's rule (ClusterLabs/pacemaker PR 2349): the old "reload applies the
            // non-unique parameters" reading holds only for agents below OCF 1.1; a 1.1 agent's
            // reload re-reads its service's own configuration and applies no parameter
            reload = Optional.of(new AgentHints.Reload("reload", notUnique));
        }
        return new OcfMetaData(root.getAttribute("name"), text(child(root, "shortdesc")), parameters,
                new AgentHints(actions, reload));
    }

    /** Whether the agent says it follows OCF 1.1 or later ({@code <version>} under the root; absent: 1.0). */
    private static boolean claimsOcf11(Element root) {
        String v = text(child(root, "version")).strip();
        String[] parts = v.split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > 1 || major == 1 && minor >= 1;
        } catch (NumberFormatException e) {
            return false; // none or unreadable: the agent predates the field, i.e. OCF 1.0
        }
    }

    private static DocumentBuilderFactory factory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setNamespaceAware(false);
        return f;
    }

    private static boolean isTrue(String value) {
        return value.equals("1") || value.equalsIgnoreCase("true") || value.equalsIgnoreCase("yes");
    }

    private static Element child(Element parent, String tag) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(tag)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element e) {
        return e == null ? "" : e.getTextContent().strip().replaceAll("\\s+", " ");
    }
}
