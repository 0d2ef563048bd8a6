package dev.vectraguard.egress;

import java.util.List;
import java.util.Locale;

/**
 * What restricted networking lets a sandbox reach: public addresses always (private ones only in
 * {@code allowPrivateNetworks}), names in {@code deniedDomains} never, and, when
 * {@code allowedDomains} is not empty (strict), only names matching it.
 *
 * @param allowedDomains       glob patterns ({@code *.npmjs.org}); empty = any public domain
 * @param deniedDomains        glob patterns never reachable
 * @param allowPrivateNetworks ranges opened on purpose (trusted config only)
 */
public record EgressPolicy(List<String> allowedDomains, List<String> deniedDomains, List<Cidr> allowPrivateNetworks) {
    public static final String ALLOWED_KEY = "sandbox.allowed_domains";
    public static final String DENIED_KEY = "sandbox.denied_domains";
    public static final String PRIVATE_KEY = "sandbox.allow_private_networks";

    /** Any public address and name. */
    public static final EgressPolicy PUBLIC = new EgressPolicy(List.of(), List.of(), List.of());

    /**
     * The package registries of the ecosystems vg caches: the default {@code sandbox.allowed_domains}
     * (presets/balanced.yaml lists the same).
     */
    public static final List<String> REGISTRY_DOMAINS = List.of(
            "registry.npmjs.org", "registry.yarnpkg.com", "repo.yarnpkg.com",
            "pypi.org", "files.pythonhosted.org",
            "repo.maven.apache.org", "repo1.maven.org", "plugins.gradle.org", "plugins-artifacts.gradle.org",
            "services.gradle.org", "downloads.gradle.org",
            "crates.io", "static.crates.io", "index.crates.io",
            "proxy.golang.org", "sum.golang.org",
            "rubygems.org", "index.rubygems.org",
            "repo.packagist.org", "packagist.org",
            "api.nuget.org", "www.nuget.org",
            "bun.sh");

    /** Only the package registries ({@link #REGISTRY_DOMAINS}): strict's default. */
    public static final EgressPolicy REGISTRIES = new EgressPolicy(REGISTRY_DOMAINS, List.of(), List.of());

    public EgressPolicy {
        allowedDomains = allowedDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        deniedDomains = deniedDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        allowPrivateNetworks = List.copyOf(allowPrivateNetworks);
    }

    /** Why the name may not be reached, or null when it may. */
    public String denyName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String host = lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
        for (String pattern : deniedDomains) {
            if (matches(pattern, host)) {
                return "in " + DENIED_KEY;
            }
        }
        if (!allowedDomains.isEmpty() && allowedDomains.stream().noneMatch(p -> matches(p, host))) {
            return "not in " + ALLOWED_KEY;
        }
        return null;
    }

    /** Whether only listed names may be reached (a destination must come from a name vg resolved). */
    public boolean domainsListed() {
        return !allowedDomains.isEmpty();
    }

    /** Why the address may not be reached, or null when it may. */
    public String denyAddress(byte[] address) {
        String reason = AddressRanges.notPublic(address);
        if (reason == null) {
            return null;
        }
        byte[] v4 = AddressRanges.embeddedIpv4(address);
        for (Cidr open : allowPrivateNetworks) {
            if (open.contains(address) || (v4 != null && open.contains(v4))) {
                return null;
            }
        }
        return reason;
    }

    /** Glob match of a domain: {@code *} stands for any characters (dots included), everything else is literal. */
    static boolean matches(String pattern, String host) {
        return matchFrom(pattern, 0, host, 0);
    }

    private static boolean matchFrom(String pattern, int p, String host, int h) {
        while (p < pattern.length()) {
            char c = pattern.charAt(p);
            if (c == '*') {
                for (int k = h; k <= host.length(); k++) {
                    if (matchFrom(pattern, p + 1, host, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (h >= host.length() || host.charAt(h) != c) {
                return false;
            }
            p++;
            h++;
        }
        return h == host.length();
    }
}
