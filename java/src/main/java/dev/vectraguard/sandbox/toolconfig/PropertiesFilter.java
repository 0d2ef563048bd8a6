package dev.vectraguard.sandbox.toolconfig;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Java properties ({@code ~/.gradle/gradle.properties}), read and written by
 * {@link java.util.Properties}: keys that hold a credential ({@code signing.password},
 * {@code systemProp.https.proxyPassword}, {@code mavenCentralToken}...) are left out, credentials
 * in URLs removed from the other values. Comments are not kept.
 */
final class PropertiesFilter implements ConfigFilter {
    @Override
    public String filter(String text) throws UnparseableConfig {
        Properties source = new Properties();
        try {
            source.load(new StringReader(text));
        } catch (IllegalArgumentException e) {
            throw new UnparseableConfig(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder out = new StringBuilder();
        for (String key : new TreeSet<>(source.stringPropertyNames())) {
            if (SecretNames.isSecret(key)) {
                continue;
            }
            Properties one = new Properties();
            one.setProperty(key, UrlCredentials.strip(source.getProperty(key)));
            StringWriter line = new StringWriter();
            try {
                one.store(line, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // store() starts with a date comment: the entry is the line after it
            String stored = line.toString();
            out.append(stored, stored.indexOf('\n') + 1, stored.length());
        }
        return out.toString();
    }
}
