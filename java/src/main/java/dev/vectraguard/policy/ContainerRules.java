package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.ShellParser;
import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Containers and pods that reach the host (privileged, host namespaces, host paths, the docker socket),
 * admin bindings in Kubernetes, and destructive commands run inside containers and pods.
 */
final class ContainerRules implements CommandRule {
    private static final Set<String> HOST_NAMESPACE_OPTIONS = Set.of("--pid", "--net", "--network", "--ipc", "--uts", "--userns", "--cgroupns");
    private static final Set<String> DANGEROUS_CAPABILITIES = Set.of("ALL", "SYS_ADMIN", "CAP_SYS_ADMIN", "SYS_PTRACE", "CAP_SYS_PTRACE",
            "SYS_MODULE", "CAP_SYS_MODULE", "DAC_READ_SEARCH", "CAP_DAC_READ_SEARCH", "SYS_RAWIO", "CAP_SYS_RAWIO", "BPF", "CAP_BPF");
    /** Pod spec fields (JSON or YAML) that give a pod the host: {@code "hostPID": true}, {@code privileged: true}, {@code hostPath:}. */
    private static final Pattern HOST_POD_FIELD = Pattern.compile(
            "\"?(hostPID|hostNetwork|hostIPC|privileged|allowPrivilegeEscalation)\"?\\s*:\\s*\"?true\\b|\"?hostPath\"?\\s*:");
    private static final Set<String> ADMIN_ROLES = Set.of("cluster-admin", "admin", "system:masters");
    private static final Set<String> EVERYONE = Set.of("system:anonymous", "system:unauthenticated", "system:authenticated",
            "system:serviceaccounts");

    @Override
    public Set<String> commands() {
        return Set.of("docker", "podman", "nerdctl", "kubectl", "oc", "nsenter");
    }

    @Override
    public void check(Invocation tool, FindingCollector findings) {
        List<String> words = tool.operandValues(2);
        String first = words.isEmpty() ? "" : words.getFirst();
        String second = words.size() > 1 ? words.get(1) : "";
        switch (tool.name()) {
            case "nsenter" -> {
                if (tool.has("-t", "--target") && (tool.has("1") || tool.args().stream().anyMatch(arg -> arg.value().equals("--target=1")))) {
                    findings.add(FindingCode.CONTAINER_HOST_ACCESS, RiskLevel.HIGH, "enters the namespaces of the host's init process" + shown(tool));
                }
            }
            case "kubectl", "oc" -> checkKubernetes(tool, first, second, findings);
            default -> {
                if (first.equals("run") || first.equals("create") || first.equals("container") && (second.equals("run") || second.equals("create"))) {
                    String reason = hostAccess(tool);
                    if (reason != null) {
                        findings.add(FindingCode.CONTAINER_HOST_ACCESS, RiskLevel.HIGH, "container " + reason + shown(tool));
                    }
                }
            }
        }
    }

    private static void checkKubernetes(Invocation kubectl, String first, String second, FindingCollector findings) {
        if (first.equals("create") && (second.equals("clusterrolebinding") || second.equals("rolebinding"))) {
            String role = kubectl.optionValue("--clusterrole");
            if (role != null && ADMIN_ROLES.contains(role)) {
                boolean everyone = kubectl.args().stream().map(Word::value).anyMatch(value -> EVERYONE.stream().anyMatch(value::endsWith));
                findings.add(FindingCode.KUBERNETES_PRIVILEGE_GRANT, everyone ? RiskLevel.CRITICAL : RiskLevel.HIGH,
                        "binds " + role + (everyone ? " to anonymous users or every account" : "") + shown(kubectl));
            }
        } else if (first.equals("run")) {
            String overrides = kubectl.optionValue("--overrides");
            if (kubectl.has("--privileged", "--privileged=true") || overrides != null && HOST_POD_FIELD.matcher(overrides).find()) {
                findings.add(FindingCode.CONTAINER_HOST_ACCESS, RiskLevel.HIGH, "pod with access to the host" + shown(kubectl));
            }
        } else if (first.equals("debug") && second.startsWith("node")) {
            findings.add(FindingCode.CONTAINER_HOST_ACCESS, RiskLevel.HIGH, "debug pod on a node, with the node's filesystem" + shown(kubectl));
        } else if (Set.of("apply", "create", "replace", "patch").contains(first)) {
            remoteManifest(kubectl).ifPresent(url -> findings.add(FindingCode.UNREVIEWED_INFRASTRUCTURE_APPLY, RiskLevel.HIGH,
                    "applies a manifest fetched from " + url + " to the cluster, unreviewed" + shown(kubectl)));
            String manifest = kubectl.input();
            String patch = kubectl.optionValue("-p");
            String text = patch != null ? patch : kubectl.optionValue("--patch") != null ? kubectl.optionValue("--patch") : manifest;
            if (text != null && HOST_POD_FIELD.matcher(text).find()) {
                findings.add(FindingCode.CONTAINER_HOST_ACCESS, RiskLevel.HIGH, "pod spec with host access (hostPID, hostPath, privileged)" + shown(kubectl));
            }
            if (text != null && text.contains("ClusterRoleBinding") && text.contains("cluster-admin")) {
                boolean everyone = EVERYONE.stream().anyMatch(text::contains);
                findings.add(FindingCode.KUBERNETES_PRIVILEGE_GRANT, everyone ? RiskLevel.CRITICAL : RiskLevel.HIGH,
                        "binds cluster-admin" + (everyone ? " to anonymous users or every account" : "") + shown(kubectl));
            }
        }
    }

    /** The URL of {@code kubectl apply -f https://...} or {@code -k https://...}: code from the network run in the cluster. */
    private static Optional<String> remoteManifest(Invocation kubectl) {
        for (String option : List.of("-f", "--filename", "-k", "--kustomize")) {
            String value = kubectl.optionValue(option);
            if (value != null && (value.startsWith("https://") || value.startsWith("http://"))) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    private static String shown(Invocation tool) {
        return " (" + tool.display() + ")";
    }

    /** Why a {@code docker run}/{@code create} container reaches the host, or null. */
    private static String hostAccess(Invocation engine) {
        List<Word> args = engine.args();
        for (int i = 0; i < args.size(); i++) {
            String value = args.get(i).value();
            if (value.equals("--")) {
                return null;
            }
            String next = i + 1 < args.size() ? args.get(i + 1).value() : "";
            int equals = value.indexOf('=');
            String option = equals > 0 ? value.substring(0, equals) : value;
            String argument = equals > 0 ? value.substring(equals + 1) : next;
            if (value.equals("--privileged") || value.equals("--privileged=true")) {
                return "is privileged";
            }
            if (HOST_NAMESPACE_OPTIONS.contains(option) && argument.equals("host")) {
                return "shares the host's " + option.substring(2) + " namespace";
            }
            if (option.equals("--cap-add") && DANGEROUS_CAPABILITIES.contains(argument.toUpperCase(Locale.ROOT))) {
                return "gets capability " + argument;
            }
            if (option.equals("--security-opt") && (argument.endsWith("=unconfined") || argument.equals("label=disable")
                    || argument.equals("label:disable"))) {
                return "runs without " + argument.substring(0, Math.max(0, argument.indexOf(argument.contains("=") ? '=' : ':')));
            }
            if (option.equals("--device") && SensitivePaths.isDataDevice(argument.split(":")[0])) {
                return "gets host device " + argument.split(":")[0];
            }
            String source = option.equals("-v") || option.equals("--volume") ? argument.split(":")[0]
                    : option.equals("--mount") ? mountSource(argument) : null;
            if (source != null && isHostPath(source)) {
                return "mounts host path " + source;
            }
        }
        return null;
    }

    private static String mountSource(String mount) {
        for (String field : mount.split(",")) {
            if (field.startsWith("source=") || field.startsWith("src=")) {
                return field.substring(field.indexOf('=') + 1);
            }
        }
        return null;
    }

    private static boolean isHostPath(String source) {
        if (source.contains("docker.sock") || source.contains("containerd.sock") || source.contains("podman.sock")) {
            return true;
        }
        SensitivePaths.Kind kind = SensitivePaths.classify(Word.quoted(source));
        return kind == SensitivePaths.Kind.ROOT || kind == SensitivePaths.Kind.SYSTEM || kind == SensitivePaths.Kind.HOME
                || SecretFiles.sensitivity(source).isPresent() || source.startsWith("/proc") || source.startsWith("/sys");
    }

    /** A recursive delete of an absolute path inside a container or pod destroys its data, whatever the path. */
    static void checkInnerCommand(Invocation tool, Invocation inner, FindingCollector findings) {
        if (Interpreters.isShell(inner.name()) && Interpreters.ShellArguments.of(inner).command()) {
            int operand = Interpreters.ShellArguments.of(inner).operandIndex();
            if (operand < inner.args().size()) {
                var script = ShellParser.parse(inner.value(operand));
                for (var simple : CommandTree.simpleCommands(script.commands())) {
                    CommandUnwrapper.invocation(simple.words(), simple.redirections())
                            .ifPresent(command -> checkInnerCommand(tool, command, findings));
                }
            }
            return;
        }
        boolean recursive = inner.hasShortFlag('r') || inner.hasShortFlag('R') || inner.has("--recursive");
        if (inner.name().equals("rm") && recursive && inner.operands().stream().anyMatch(path -> path.value().startsWith("/"))) {
            boolean pod = tool.name().equals("kubectl") || tool.name().equals("oc");
            findings.add(pod ? FindingCode.KUBERNETES_DESTRUCTIVE : FindingCode.CONTAINER_DESTRUCTIVE, RiskLevel.HIGH,
                    "deletes data inside a " + (pod ? "pod" : "container") + " (" + tool.display() + ")");
        }
    }

    /** True when the options before the command run in the pod or container name production (namespace, context, name). */
    static boolean namesProduction(Invocation tool, int innerLength) {
        List<Word> args = tool.args();
        for (Word arg : args.subList(0, Math.max(0, args.size() - innerLength))) {
            if (arg.value().toLowerCase(Locale.ROOT).contains("prod")) {
                return true;
            }
        }
        return false;
    }
}
