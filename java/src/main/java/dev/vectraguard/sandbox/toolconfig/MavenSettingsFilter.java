package dev.vectraguard.sandbox.toolconfig;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Maven's {@code ~/.m2/settings.xml}, read and written with the JDK's XML parser (no DTD, no
 * external entities): {@code <servers>} (each server's user name, password, private key,
 * passphrase and transport configuration, whose HTTP headers often carry tokens) is removed whole,
 * and so are each proxy's {@code <password>} and the profile properties whose names hold a
 * credential ({@code <gpg.passphrase>}); comments (a commented-out server keeps its password there)
 * go, and credentials in URLs are removed from every text.
 * Mirrors, profiles, repositories, proxies and the rest stay as they are.
 */
final class MavenSettingsFilter implements ConfigFilter {
    @Override
    public String filter(String text) throws UnparseableConfig {
        Document document = parse(text);
        Element root = document.getDocumentElement();
        if (!"settings".equals(root.getLocalName())) {
            throw new UnparseableConfig("the root element is <" + root.getNodeName() + ">, not <settings>");
        }
        for (Element child : children(root)) {
            switch (child.getLocalName()) {
                case "servers" -> root.removeChild(child);
                case "proxies" -> {
                    for (Element proxy : children(child)) {
                        for (Element field : children(proxy)) {
                            if (SecretNames.isSecret(field.getLocalName())) {
                                proxy.removeChild(field);
                            }
                        }
                    }
                }
                case "profiles" -> {
                    for (Element profile : children(child)) {
                        for (Element section : children(profile)) {
                            if (section.getLocalName().equals("properties")) {
                                for (Element property : children(section)) {
                                    if (SecretNames.isSecret(property.getLocalName())) {
                                        section.removeChild(property);
                                    }
                                }
                            }
                        }
                    }
                }
                default -> { }
            }
        }
        clean(root);
        return write(document);
    }

    private static Document parse(String text) throws UnparseableConfig {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler() {
                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return builder.parse(new InputSource(new StringReader(text)));
        } catch (SAXParseException e) {
            throw UnparseableConfig.atLine(e.getLineNumber(), e.getMessage());
        } catch (SAXException e) {
            throw new UnparseableConfig(e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getLocalName() != null) {
                elements.add(element);
            }
        }
        return elements;
    }

    /** Removes comments (a commented-out server keeps its password there) and the credentials of URLs in texts. */
    private static void clean(Node node) {
        Node child = node.getFirstChild();
        while (child != null) {
            Node next = child.getNextSibling();
            switch (child.getNodeType()) {
                case Node.COMMENT_NODE -> node.removeChild(child);
                case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> child.setNodeValue(UrlCredentials.strip(child.getNodeValue()));
                default -> clean(child);
            }
            child = next;
        }
    }

    private static String write(Document document) {
        try {
            TransformerFactory factory = TransformerFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            Transformer transformer = factory.newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(document), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot write the filtered settings.xml: " + e.getMessage(), e);
        }
    }
}
