package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Destructive container, Kubernetes, cloud and infrastructure-as-code operations; one step higher when
 * an argument (context, namespace, project, bucket, stack) names production.
 */
final class InfrastructureRules implements CommandRule {
    private static final Set<String> NAMESPACE_KINDS = Set.of("namespace", "namespaces", "ns");

    @Override
    public Set<String> commands() {
        return Set.of("docker", "podman", "nerdctl", "kubectl", "oc", "helm", "terraform", "tofu", "terragrunt", "pulumi",
                "aws", "gsutil", "gcloud", "az");
    }

    @Override
    public void check(Invocation tool, FindingCollector findings) {
        String name = tool.name();
        List<String> words = tool.operands().stream().map(Word::value).toList();
        String first = words.isEmpty() ? "" : words.get(0);
        String second = words.size() > 1 ? words.get(1) : "";
        String display = " (" + tool.display() + ")";
        boolean production = tool.args().stream().anyMatch(arg -> arg.value().toLowerCase(Locale.ROOT).contains("prod"));
        if (Interpreters.CONTAINER_ENGINES.contains(name)) {
            checkContainers(tool, first, second, display, findings);
            return;
        }
        RiskLevel raised = production ? RiskLevel.CRITICAL : RiskLevel.HIGH;
        String where = production ? " in production" : "";
        switch (name) {
            case "kubectl", "oc" -> {
                int delete = words.indexOf("delete");
                if (delete >= 0) {
                    String kind = delete + 1 < words.size() ? words.get(delete + 1) : "";
                    boolean wide = NAMESPACE_KINDS.contains(kind) || tool.has("--all", "-A", "--all-namespaces");
                    findings.add(FindingCode.KUBERNETES_DESTRUCTIVE, wide ? raised : (production ? RiskLevel.HIGH : RiskLevel.MEDIUM),
                            (wide ? "deletes a namespace or all resources" : "deletes cluster resources") + where + display);
                }
            }
            case "helm" -> {
                if (words.stream().anyMatch(Set.of("uninstall", "delete", "del", "un")::contains)) {
                    findings.add(FindingCode.INFRASTRUCTURE_DESTROY, raised, "uninstalls a release" + where + display);
                }
            }
            case "terraform", "tofu", "terragrunt" -> {
                if (first.equals("destroy") || (first.equals("apply") && tool.has("-destroy", "--destroy"))) {
                    findings.add(FindingCode.INFRASTRUCTURE_DESTROY, RiskLevel.CRITICAL, "destroys managed infrastructure" + display);
                }
            }
            case "pulumi" -> {
                if (first.equals("destroy") || first.equals("down")) {
                    findings.add(FindingCode.INFRASTRUCTURE_DESTROY, RiskLevel.CRITICAL, "destroys a stack's resources" + display);
                } else if (first.equals("stack") && second.equals("rm")) {
                    findings.add(FindingCode.INFRASTRUCTURE_DESTROY, raised, "removes a stack" + where + display);
                }
            }
            case "aws" -> checkAws(tool, first, second, raised, where + display, findings);
            case "gsutil" -> {
                boolean recursive = tool.hasShortFlag('r') || tool.hasShortFlag('R') || tool.hasShortFlag('a');
                if ((first.equals("rm") && recursive) || first.equals("rb")) {
                    findings.add(FindingCode.CLOUD_DESTRUCTIVE, raised, "deletes a bucket or its objects" + where + display);
                }
            }
            case "gcloud", "az" -> {
                if (words.contains("delete")) {
                    findings.add(FindingCode.CLOUD_DESTRUCTIVE, raised, "deletes cloud resources" + where + display);
                }
            }
            default -> { }
        }
    }

    private static void checkAws(Invocation aws, String service, String operation, RiskLevel raised, String suffix,
                                 FindingCollector findings) {
        if (service.equals("s3")) {
            if ((operation.equals("rm") && aws.has("--recursive")) || (operation.equals("rb") && aws.has("--force"))) {
                findings.add(FindingCode.CLOUD_DESTRUCTIVE, raised, "deletes a bucket or its objects" + suffix);
            } else if (operation.equals("rb")) {
                findings.add(FindingCode.CLOUD_DESTRUCTIVE, RiskLevel.MEDIUM, "deletes an empty bucket" + suffix);
            }
        } else if (operation.startsWith("delete-") || operation.startsWith("terminate-") || operation.startsWith("remove-")) {
            findings.add(FindingCode.CLOUD_DESTRUCTIVE, raised, "deletes cloud resources" + suffix);
        }
    }

    private static void checkContainers(Invocation engine, String first, String second, String display, FindingCollector findings) {
        boolean all = engine.has("-a", "--all") || engine.hasShortFlag('a');
        if (first.equals("system") && second.equals("prune")) {
            boolean volumes = engine.has("--volumes");
            findings.add(FindingCode.CONTAINER_DESTRUCTIVE, all || volumes ? RiskLevel.HIGH : RiskLevel.MEDIUM,
                    "prunes " + (volumes ? "volumes, " : "") + (all ? "all images, " : "") + "containers and networks" + display);
        } else if (first.equals("volume") && second.equals("prune")) {
            findings.add(FindingCode.CONTAINER_DESTRUCTIVE, RiskLevel.HIGH, "deletes unused volumes and their data" + display);
        } else if (Set.of("image", "container", "network", "builder").contains(first) && second.equals("prune")) {
            findings.add(FindingCode.CONTAINER_DESTRUCTIVE, RiskLevel.MEDIUM, "prunes " + first + "s" + display);
        } else if (removes(first, second) && engine.args().stream().anyMatch(arg -> !arg.substitutions().isEmpty())
                && (engine.has("-f", "--force") || engine.hasShortFlag('f') || first.equals("volume"))) {
            findings.add(FindingCode.CONTAINER_DESTRUCTIVE, RiskLevel.HIGH, "force-removes every listed container, image or volume" + display);
        } else if (first.equals("volume") && (second.equals("rm") || second.equals("remove"))) {
            findings.add(FindingCode.CONTAINER_DESTRUCTIVE, RiskLevel.MEDIUM, "deletes volumes and their data" + display);
        }
    }

    private static boolean removes(String first, String second) {
        return first.equals("rm") || first.equals("rmi")
                || Set.of("image", "container", "volume").contains(first) && (second.equals("rm") || second.equals("remove"));
    }
}
