package dev.vectraguard.policy;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Which files hold secrets: private keys and credentials (high), .env files (medium). */
final class SecretFiles {
    private static final Set<String> KEY_NAMES = Set.of("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk");
    private static final Set<String> KEY_EXTENSIONS = Set.of(".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk");
    private static final Set<String> CREDENTIAL_FILES = Set.of(".aws/credentials", ".netrc", ".git-credentials",
            ".docker/config.json", ".kube/config", ".pgpass", ".pypirc", ".npmrc", ".vault-token", ".my.cnf",
            ".config/gh/hosts.yml", ".config/hub", ".cargo/credentials", ".cargo/credentials.toml", ".gem/credentials",
            ".terraform.d/credentials.tfrc.json", ".m2/settings-security.xml", ".s3cfg", ".boto", ".kaggle/kaggle.json",
            ".config/rclone/rclone.conf", ".composer/auth.json", ".config/composer/auth.json", ".config/containers/auth.json",
            ".databrickscfg", ".config/doctl/config.yaml", ".config/op/config",
            "/etc/shadow", "/etc/gshadow", "/etc/sudoers");
    private static final Set<String> CREDENTIAL_DIRECTORIES = Set.of(".ssh/", ".gnupg/", ".config/gcloud/", ".aws/", ".azure/",
            ".password-store/", ".local/share/keyrings/", ".oci/", ".config/1Password/");
    private static final Set<String> PUBLIC_SSH_FILES = Set.of("known_hosts", "config", "authorized_keys", "known_hosts.old");
    private static final Set<String> ENV_TEMPLATES = Set.of(".example", ".sample", ".template", ".dist", ".defaults");

    private SecretFiles() {
    }

    /** How sensitive reading {@code path} is, or empty when it is not known to hold secrets. */
    static Optional<RiskLevel> sensitivity(String path) {
        String inHome = SensitivePaths.insideHome(path);
        String relative = inHome != null ? inHome : path;
        String name = Invocation.basename(path);
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".pub")) {
            return Optional.empty();
        }
        if (KEY_NAMES.contains(name) || CREDENTIAL_FILES.contains(relative) || CREDENTIAL_FILES.contains(path)) {
            return Optional.of(RiskLevel.HIGH);
        }
        int dot = lower.lastIndexOf('.');
        if (dot > 0 && KEY_EXTENSIONS.contains(lower.substring(dot))) {
            return Optional.of(RiskLevel.HIGH);
        }
        for (String directory : CREDENTIAL_DIRECTORIES) {
            if (inHome != null && (relative.equals(directory) || relative.equals(directory.substring(0, directory.length() - 1)))
                    || relative.startsWith(directory) && !PUBLIC_SSH_FILES.contains(name)) {
                return Optional.of(RiskLevel.HIGH);
            }
        }
        if (path.startsWith("/proc/") && path.endsWith("/environ")) {
            return Optional.of(RiskLevel.MEDIUM);
        }
        if (lower.equals(".env") || lower.endsWith(".env")
                || (lower.startsWith(".env.") && !ENV_TEMPLATES.contains(lower.substring(4)))) {
            return Optional.of(RiskLevel.MEDIUM);
        }
        return Optional.empty();
    }
}
