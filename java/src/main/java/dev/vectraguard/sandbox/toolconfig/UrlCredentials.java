package dev.vectraguard.sandbox.toolconfig;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes the credentials written into URLs ({@code https://user:token@host/}): the user-info part,
 * except a plain user name of an ssh URL ({@code ssh://git@host}), which names an account, not a
 * secret; for conda, its tokens in paths ({@code https://conda.anaconda.org/t/TOKEN/channel}) too.
 */
public final class UrlCredentials {
    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@\\s\"'<>]*)@");
    private static final Pattern CONDA_TOKEN = Pattern.compile("(://[^/\\s\"']+)/t/[^/\\s\"']+");

    private UrlCredentials() {}

    /** {@code text} with the credentials of every URL in it removed. */
    public static String strip(String text) {
        if (text.indexOf("://") < 0) {
            return text;
        }
        Matcher m = USER_INFO.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String scheme = m.group(1);
            String userInfo = m.group(2);
            boolean sshUser = scheme.toLowerCase(java.util.Locale.ROOT).contains("ssh") && userInfo.indexOf(':') < 0;
            m.appendReplacement(out, Matcher.quoteReplacement(sshUser ? m.group() : scheme));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@link #strip}, and conda's {@code /t/TOKEN} path segments right after the host. */
    public static String stripWithCondaTokens(String text) {
        return CONDA_TOKEN.matcher(strip(text)).replaceAll("$1");
    }
}
