package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cloud posture across aws, gcloud, gsutil and az: admin roles granted, long-lived keys created, data
 * made public, admin ports opened to the internet; and {@code terraform apply -auto-approve}.
 */
final class CloudPostureRules implements CommandRule {
    private static final Set<String> ADMIN_POLICIES = Set.of("AdministratorAccess", "IAMFullAccess", "PowerUserAccess");
    private static final Set<String> GCP_ADMIN_ROLES = Set.of("roles/owner", "roles/editor", "roles/iam.securityAdmin",
            "roles/resourcemanager.projectIamAdmin", "roles/resourcemanager.organizationAdmin", "roles/iam.serviceAccountTokenCreator",
            "roles/iam.serviceAccountKeyAdmin", "roles/iam.serviceAccountAdmin", "roles/iam.roleAdmin");
    private static final Set<String> AZURE_ADMIN_ROLES = Set.of("owner", "contributor", "user access administrator",
            "role based access control administrator");
    private static final Set<String> PUBLIC_ACLS = Set.of("public-read", "public-read-write", "authenticated-read");
    private static final Set<String> EVERYONE = Set.of("0.0.0.0/0", "::/0", "*", "internet", "any", "0.0.0.0");
    /** Ports of remote administration, databases and control planes: never for the whole internet. */
    private static final Set<Integer> ADMIN_PORTS = Set.of(22, 23, 445, 1433, 1521, 2375, 2376, 2379, 3306, 3389, 5432, 5900,
            5984, 6379, 6443, 8080, 9042, 9200, 9300, 10250, 11211, 27017);
    private static final Pattern PORTS = Pattern.compile("(\\d+)(?:\\s*[-:]\\s*(\\d+))?");
    private static final Pattern WILDCARD_PRINCIPAL = Pattern.compile("\"Principal\"\\s*:\\s*(\"\\*\"|\\{\\s*\"AWS\"\\s*:\\s*\"\\*\")");

    @Override
    public Set<String> commands() {
        return Set.of("aws", "gcloud", "gsutil", "az", "terraform", "tofu", "terragrunt", "pulumi");
    }

    @Override
    public void check(Invocation tool, FindingCollector findings) {
        List<String> words = tool.operandValues(Integer.MAX_VALUE);
        String first = words.isEmpty() ? "" : words.getFirst();
        String second = words.size() > 1 ? words.get(1) : "";
        String display = " (" + tool.display() + ")";
        switch (tool.name()) {
            case "aws" -> checkAws(tool, first, second, display, findings);
            case "gcloud" -> checkGcloud(tool, words, display, findings);
            case "gsutil" -> {
                String all = String.join(" ", words);
                if ((first.equals("iam") || first.equals("acl") || first.equals("defacl"))
                        && (all.contains("allUsers") || all.contains("AllUsers") || all.contains("allAuthenticatedUsers")
                        || all.contains("AllAuthenticatedUsers") || words.contains("public-read") || words.contains("public-read-write"))) {
                    exposed("makes a bucket or its objects public", display, findings);
                }
            }
            case "az" -> checkAzure(tool, words, display, findings);
            case "pulumi" -> {
                if ((first.equals("up") || first.equals("update")) && tool.has("--yes", "-y", "-f", "--skip-preview")) {
                    unreviewed(tool, display, findings);
                }
            }
            default -> {
                if (first.equals("apply") && tool.has("-auto-approve", "--auto-approve", "-auto-approve=true")
                        && !tool.has("-destroy", "--destroy") && !appliesSavedPlan(tool)) {
                    unreviewed(tool, display, findings);
                }
            }
        }
    }

    private static void checkAws(Invocation aws, String service, String operation, String display, FindingCollector findings) {
        if (service.equals("iam")) {
            if (operation.startsWith("attach-") && operation.endsWith("-policy")) {
                String arn = aws.optionValue("--policy-arn");
                if (arn != null && ADMIN_POLICIES.stream().anyMatch(arn::endsWith)) {
                    granted("attaches " + Invocation.basename(arn), display, findings);
                }
            } else if (operation.startsWith("put-") && operation.endsWith("-policy") || operation.equals("create-policy")
                    || operation.equals("create-policy-version")) {
                String document = aws.optionValue("--policy-document");
                if (document != null && document.replace(" ", "").matches("(?s).*\"Action\":(\\[)?\"\\*(:\\*)?\".*")) {
                    granted("grants every action (\"Action\": \"*\")", display, findings);
                }
            } else if (operation.equals("create-access-key") || operation.equals("create-login-profile")) {
                granted("creates long-lived credentials", display, findings);
            } else if (operation.equals("update-assume-role-policy") && hasWildcardPrincipal(aws.optionValue("--policy-document"))) {
                exposed("lets anyone assume the role", display, findings);
            }
        } else if (service.equals("s3api") || service.equals("s3")) {
            String acl = aws.optionValue("--acl");
            String grants = String.join(" ", aws.args().stream().map(Word::value).toList());
            if (acl != null && PUBLIC_ACLS.contains(acl) || grants.contains("acs.amazonaws.com/groups/global/AllUsers")) {
                if (service.equals("s3api") && operation.equals("put-bucket-acl") || operation.equals("create-bucket")) {
                    exposed("makes a bucket public", display, findings);
                } else {
                    findings.add(FindingCode.CLOUD_PUBLIC_EXPOSURE, RiskLevel.MEDIUM, "uploads publicly readable objects" + display);
                }
            } else if (operation.equals("delete-public-access-block")
                    || operation.equals("put-public-access-block") && grants.toLowerCase(Locale.ROOT).contains("=false")
                    || operation.equals("put-bucket-policy") && hasWildcardPrincipal(aws.optionValue("--policy"))) {
                exposed("removes a bucket's public access protection", display, findings);
            }
        } else if (service.equals("ec2") && (operation.equals("authorize-security-group-ingress"))) {
            String all = String.join(" ", aws.args().stream().map(Word::value).toList());
            boolean everyone = EVERYONE.contains(String.valueOf(aws.optionValue("--cidr"))) || all.contains("CidrIp=0.0.0.0/0")
                    || all.contains("\"CidrIp\":\"0.0.0.0/0\"") || all.contains("CidrIpv6=::/0");
            String protocol = String.valueOf(aws.optionValue("--protocol"));
            String port = aws.optionValue("--port");
            boolean adminPorts = protocol.equals("all") || protocol.equals("-1") || port != null && opensAdminPort(port)
                    || all.contains("IpProtocol=-1") || portsIn(all, "FromPort=(\\d+),ToPort=(\\d+)");
            if (everyone && adminPorts) {
                exposed("opens an admin port to the whole internet", display, findings);
            }
        } else if ((service.equals("ec2") && (operation.equals("modify-snapshot-attribute") || operation.equals("modify-image-attribute"))
                && String.join(" ", aws.args().stream().map(Word::value).toList()).contains("Group=all"))
                || service.equals("rds") && operation.startsWith("modify-db") && aws.has("--publicly-accessible")
                || service.equals("lambda") && operation.equals("add-permission") && "*".equals(aws.optionValue("--principal"))) {
            exposed("makes a snapshot, image, database or function public", display, findings);
        }
    }

    private static void checkGcloud(Invocation gcloud, List<String> words, String display, FindingCollector findings) {
        String all = String.join(" ", gcloud.args().stream().map(Word::value).toList());
        String member = gcloud.optionValue("--member");
        String role = gcloud.optionValue("--role");
        if (words.contains("add-iam-policy-binding") || words.contains("set-iam-policy")) {
            if (member != null && (member.equals("allUsers") || member.equals("allAuthenticatedUsers"))
                    && !words.contains("run") && !words.contains("functions")) {
                exposed("grants " + role + " to " + member, display, findings);
            } else if (role != null && GCP_ADMIN_ROLES.contains(role)) {
                granted("grants " + role + " to " + member, display, findings);
            }
        } else if (words.contains("keys") && words.contains("create") && words.contains("service-accounts")) {
            granted("creates a service account key", display, findings);
        } else if (words.contains("firewall-rules") && (words.contains("create") || words.contains("update"))) {
            String sources = gcloud.optionValue("--source-ranges");
            String allow = gcloud.optionValue("--allow");
            boolean everyone = sources == null ? words.contains("create") : sources.contains("0.0.0.0/0");
            if (everyone && allow != null && (allow.equals("all") || allow.matches("(?i).*(tcp|udp)(,|$).*") || opensAdminPort(allow))) {
                exposed("opens an admin port to the whole internet", display, findings);
            }
        } else if (words.contains("sql") && words.contains("patch") && all.contains("0.0.0.0/0")) {
            exposed("opens a database to the whole internet", display, findings);
        }
    }

    private static void checkAzure(Invocation az, List<String> words, String display, FindingCollector findings) {
        String all = String.join(" ", words).toLowerCase(Locale.ROOT);
        String role = az.optionValue("--role");
        if (all.startsWith("role assignment create") && role != null && AZURE_ADMIN_ROLES.contains(role.toLowerCase(Locale.ROOT))) {
            granted("assigns role " + role, display, findings);
        } else if (all.startsWith("ad sp credential reset") || all.startsWith("ad app credential reset")) {
            granted("creates a new client secret", display, findings);
        } else if (all.startsWith("storage account update") && "true".equalsIgnoreCase(az.optionValue("--allow-blob-public-access"))
                || all.startsWith("storage container") && Set.of("blob", "container").contains(String.valueOf(az.optionValue("--public-access")))) {
            exposed("makes storage public", display, findings);
        } else if (all.startsWith("vm open-port") && (String.valueOf(az.optionValue("--port")).equals("*")
                || opensAdminPort(String.valueOf(az.optionValue("--port"))))) {
            exposed("opens an admin port of a VM to the whole internet", display, findings);
        } else if (all.startsWith("network nsg rule create") || all.startsWith("network nsg rule update")) {
            String source = String.valueOf(az.optionValue("--source-address-prefixes"));
            String ports = String.valueOf(az.optionValue("--destination-port-ranges"));
            boolean allow = !"deny".equalsIgnoreCase(az.optionValue("--access"));
            if (allow && EVERYONE.contains(source.toLowerCase(Locale.ROOT)) && (ports.equals("*") || opensAdminPort(ports))) {
                exposed("opens an admin port to the whole internet", display, findings);
            }
        } else if (all.contains("firewall-rule create") && "0.0.0.0".equals(az.optionValue("--start-ip-address"))
                && "255.255.255.255".equals(az.optionValue("--end-ip-address"))) {
            exposed("opens a database to the whole internet", display, findings);
        }
    }

    private static void unreviewed(Invocation tool, String display, FindingCollector findings) {
        boolean production = tool.args().stream().anyMatch(arg -> arg.value().toLowerCase(Locale.ROOT).contains("prod"));
        findings.add(FindingCode.UNREVIEWED_INFRASTRUCTURE_APPLY, production ? RiskLevel.HIGH : RiskLevel.MEDIUM,
                "applies infrastructure changes without review" + (production ? " in production" : "") + display);
    }

    /** True when {@code terraform apply} is given a saved (reviewed) plan file rather than planning anew. */
    private static boolean appliesSavedPlan(Invocation terraform) {
        List<Word> args = terraform.args();
        boolean afterApply = false;
        for (int i = 0; i < args.size(); i++) {
            String value = args.get(i).value();
            if (!afterApply) {
                afterApply = value.equals("apply");
            } else if (Set.of("-var", "-var-file", "-target", "-replace", "-state", "-state-out", "-lock-timeout", "-parallelism",
                    "-backup").contains(value)) {
                i++;
            } else if (!value.startsWith("-")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasWildcardPrincipal(String document) {
        return document != null && WILDCARD_PRINCIPAL.matcher(document).find();
    }

    /** True when a port list ({@code 22}, {@code 0-65535}, {@code tcp:22,tcp:3389}, {@code 20-30}) includes an admin port. */
    private static boolean opensAdminPort(String ports) {
        Matcher matcher = PORTS.matcher(ports);
        while (matcher.find()) {
            if (rangeHasAdminPort(matcher.group(1), matcher.group(2))) {
                return true;
            }
        }
        return false;
    }

    private static boolean portsIn(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        while (matcher.find()) {
            if (rangeHasAdminPort(matcher.group(1), matcher.group(2))) {
                return true;
            }
        }
        return false;
    }

    private static boolean rangeHasAdminPort(String from, String to) {
        try {
            long low = Long.parseLong(from);
            long high = to == null ? low : Long.parseLong(to);
            return ADMIN_PORTS.stream().anyMatch(port -> port >= low && port <= high);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void granted(String what, String display, FindingCollector findings) {
        findings.add(FindingCode.CLOUD_PRIVILEGE_GRANT, RiskLevel.HIGH, what + display);
    }

    private static void exposed(String what, String display, FindingCollector findings) {
        findings.add(FindingCode.CLOUD_PUBLIC_EXPOSURE, RiskLevel.HIGH, what + display);
    }
}
