package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Set;

/**
 * Commands whose output is secret: readers of credential files, dumps of the whole environment or of a
 * database, and the CLIs that print tokens and secrets. Printing one is {@link FindingCode#SECRET_TOKEN_READ}, medium; sending
 * its output over the network is exfiltration.
 */
final class SecretSources implements CommandRule {
    private static final Set<String> GREPS = Set.of("grep", "egrep", "fgrep");
    private static final Set<String> RECURSIVE_SEARCHERS = Set.of("rg", "ag", "ack");
    private static final Set<String> ENVIRONMENT_DUMPERS = Set.of("env", "printenv", "set", "export", "declare", "compgen");

    @Override
    public Set<String> commands() {
        return Set.of("gh", "aws", "gcloud", "az", "vault", "kubectl", "oc", "op", "pass", "security", "heroku", "doctl", "git",
                "gpg", "bw", "lpass", "gopass", "npm");
    }

    @Override
    public void check(Invocation invocation, FindingCollector findings) {
        String what = credentialPrinted(invocation);
        if (what != null) {
            RiskLevel level = what.startsWith("private") ? RiskLevel.HIGH : RiskLevel.MEDIUM;
            findings.add(FindingCode.SECRET_TOKEN_READ, level, "prints " + what + " (" + invocation.display() + ")");
        }
    }

    /** True when the invocation's output holds secrets (shell history counts: it holds the tokens typed on command lines). */
    static boolean emitsSecrets(Invocation invocation) {
        return SecretRules.readsSecretFile(invocation) || isEnvironmentDump(invocation) || credentialPrinted(invocation) != null
                || DatabaseRules.isDump(invocation) || searchesHome(invocation)
                || invocation.name().equals("history") || readsHistory(invocation);
    }

    /** A recursive search of the home or of / ({@code grep -r AKIA ~}): its output is whatever secrets match. */
    private static boolean searchesHome(Invocation invocation) {
        String name = invocation.name();
        boolean recursive = RECURSIVE_SEARCHERS.contains(name) || GREPS.contains(name)
                && (invocation.hasShortFlag('r') || invocation.hasShortFlag('R') || invocation.has("--recursive"));
        return recursive && invocation.operands().stream().map(SensitivePaths::classify)
                .anyMatch(kind -> kind == SensitivePaths.Kind.HOME || kind == SensitivePaths.Kind.ROOT);
    }

    private static boolean readsHistory(Invocation invocation) {
        if (!invocation.name().equals("cat") && !invocation.name().equals("tail") && !invocation.name().equals("base64")) {
            return false;
        }
        for (Word operand : invocation.operands()) {
            if (SensitivePaths.insideHome(operand.value()) != null && SecurityControlRules.isHistoryOrLog(operand.value())) {
                return true;
            }
        }
        return false;
    }

    static boolean isEnvironmentDump(Invocation invocation) {
        String name = invocation.name();
        if (!ENVIRONMENT_DUMPERS.contains(name)) {
            return false;
        }
        return name.equals("env") || name.equals("printenv") ? invocation.operands().isEmpty()
                : invocation.args().isEmpty() || invocation.has("-p", "-x");
    }

    /** True when {@code kubectl get} prints objects in full ({@code -o yaml}, {@code -o jsonpath=...}), not just their names. */
    private static boolean printsValues(Invocation kubectl) {
        List<Word> args = kubectl.args();
        for (int i = 0; i < args.size(); i++) {
            String value = args.get(i).value();
            String format = value.equals("-o") || value.equals("--output") ? (i + 1 < args.size() ? args.get(i + 1).value() : "")
                    : value.startsWith("--output=") ? value.substring(9) : value.startsWith("-o") ? value.substring(2) : null;
            if (format != null && !format.equals("name") && !format.equals("wide")) {
                return true;
            }
        }
        return false;
    }

    /** What secret the invocation prints, or null: {@code gh auth token}, {@code kubectl get secret}, ... */
    private static String credentialPrinted(Invocation invocation) {
        List<String> words = invocation.operandValues(4);
        String first = words.isEmpty() ? "" : words.get(0);
        String second = words.size() > 1 ? words.get(1) : "";
        String third = words.size() > 2 ? words.get(2) : "";
        return switch (invocation.name()) {
            case "gh" -> first.equals("auth") && (second.equals("token") || second.equals("status") && invocation.has("-t", "--show-token"))
                    ? "the GitHub token" : null;
            case "aws" -> first.equals("configure") && (second.equals("export-credentials")
                    || second.equals("get") && (third.contains("secret") || third.contains("key_id") || third.contains("session_token")))
                    || first.equals("sts") && (second.equals("get-session-token") || second.equals("assume-role"))
                    || first.equals("secretsmanager") && second.equals("get-secret-value")
                    || first.equals("ssm") && second.startsWith("get-parameter") && invocation.has("--with-decryption")
                    || first.equals("iam") && second.equals("create-access-key") ? "AWS credentials or secrets" : null;
            case "gcloud" -> words.contains("print-access-token") || words.contains("print-identity-token")
                    || first.equals("secrets") && second.equals("versions") && third.equals("access") ? "a Google Cloud token or secret" : null;
            case "az" -> first.equals("account") && second.equals("get-access-token")
                    || first.equals("keyvault") && second.equals("secret") && third.equals("show") ? "an Azure token or secret" : null;
            case "vault" -> Set.of("read", "kv", "token").contains(first) && !second.equals("list") && !second.equals("lookup")
                    && !second.equals("put") || first.equals("print") && second.equals("token") ? "secrets from Vault" : null;
            case "kubectl", "oc" -> first.equals("get") && second.startsWith("secret") && printsValues(invocation)
                    || first.equals("config") && second.equals("view") && invocation.has("--raw")
                    || first.equals("create") && second.equals("token") ? "Kubernetes secrets or credentials" : null;
            case "op" -> first.equals("read") || first.equals("item") && second.equals("get") ? "a 1Password secret" : null;
            case "pass", "gopass" -> first.equals("show") || !first.isEmpty() && !Set.of("ls", "list", "find", "search", "init", "git",
                    "insert", "generate", "edit", "rm", "mv", "cp", "grep", "version", "help").contains(first) ? "a password-store secret" : null;
            case "bw", "lpass" -> first.equals("get") || first.equals("show") ? "a password-manager secret" : null;
            case "security" -> first.startsWith("find-") && first.endsWith("password") && invocation.has("-w", "-g")
                    || first.equals("dump-keychain") ? "a keychain password" : null;
            case "heroku" -> first.equals("auth:token") ? "the Heroku token" : null;
            case "doctl" -> first.equals("auth") && second.equals("token") ? "the DigitalOcean token" : null;
            case "git" -> first.equals("credential") && second.equals("fill") ? "git credentials" : null;
            case "npm" -> first.equals("token") && second.equals("create") ? "a new npm token" : null;
            case "gpg" -> invocation.args().stream().anyMatch(arg -> arg.value().startsWith("--export-secret"))
                    ? "private keys from the GPG keyring" : null;
            default -> null;
        };
    }
}
