package dev.vectraguard.policy;

import dev.vectraguard.policy.shell.Word;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Destructive statements sent through database clients ({@code -c}, {@code -e}, {@code --eval}, a here-document,
 * or echoed into them); one step higher when the host, database or URI names production.
 */
final class DatabaseRules implements CommandRule {
    private static final Map<String, Set<String>> STATEMENT_OPTIONS = Map.of(
            "psql", Set.of("-c", "--command"), "mysql", Set.of("-e", "--execute"), "mariadb", Set.of("-e", "--execute"),
            "mongo", Set.of("--eval"), "mongosh", Set.of("--eval"), "clickhouse-client", Set.of("-q", "--query"),
            "sqlcmd", Set.of("-Q", "-q"), "cockroach", Set.of("-e", "--execute"), "redis-cli", Set.of());
    private static final int FLAGS = Pattern.CASE_INSENSITIVE;
    private static final Pattern DROP = Pattern.compile("\\bdrop\\s+(table|database|schema|keyspace|collection)\\b", FLAGS);
    private static final Pattern TRUNCATE = Pattern.compile("\\btruncate\\b", FLAGS);
    private static final Pattern ALTER_DROP = Pattern.compile("\\balter\\s+table\\b[^;]*\\bdrop\\b", FLAGS);
    private static final Pattern DELETE_FROM = Pattern.compile("^\\s*delete\\s+from\\b", FLAGS);
    private static final Pattern WHERE = Pattern.compile("\\bwhere\\b", FLAGS);
    private static final Pattern MONGO_DROP = Pattern.compile(
            "\\.(dropDatabase|drop)\\s*\\(|\\.(deleteMany|remove)\\s*\\(\\s*\\{\\s*\\}\\s*\\)", FLAGS);
    private static final Pattern REDIS_FLUSH = Pattern.compile("^\\s*flush(all|db)\\b", FLAGS);

    @Override
    public Set<String> commands() {
        return Set.of("psql", "mysql", "mariadb", "sqlite3", "mongo", "mongosh", "clickhouse-client", "sqlcmd", "cockroach",
                "redis-cli", "mysqldump", "mariadb-dump", "pg_dump", "pg_dumpall", "mongodump", "mongoexport");
    }

    /**
     * True when the invocation dumps a whole database (its rows: customer data, password hashes, tokens):
     * {@code pg_dump}, {@code mysqldump}, {@code mongodump}, {@code sqlite3 DB .dump}, {@code redis-cli --rdb}.
     */
    static boolean isDump(Invocation invocation) {
        return switch (invocation.name()) {
            case "mysqldump", "mariadb-dump", "pg_dump", "pg_dumpall", "mongodump", "mongoexport" -> true;
            case "sqlite3" -> invocation.operands().stream().anyMatch(operand -> operand.value().strip().startsWith(".dump"));
            case "redis-cli" -> invocation.has("--rdb");
            default -> false;
        };
    }

    @Override
    public void check(Invocation client, FindingCollector findings) {
        if (isDump(client)) {
            findings.add(FindingCode.DATABASE_DUMP, RiskLevel.MEDIUM, "dumps a database (" + client.display() + ")");
        }
        List<String> statements = new ArrayList<>(1);
        Set<String> options = STATEMENT_OPTIONS.getOrDefault(client.name(), Set.of());
        List<Word> args = client.args();
        for (int i = 0; i < args.size(); i++) {
            String value = args.get(i).value();
            if (options.contains(value) && i + 1 < args.size()) {
                statements.add(args.get(++i).value());
            } else {
                for (String option : options) {
                    if (option.startsWith("--") && value.startsWith(option + "=")) {
                        statements.add(value.substring(option.length() + 1));
                    }
                }
            }
        }
        List<Word> operands = client.operands();
        if (client.name().equals("sqlite3") && operands.size() > 1) {
            operands.subList(1, operands.size()).forEach(sql -> statements.add(sql.value()));
        } else if (client.name().equals("redis-cli")) {
            operands.forEach(command -> statements.add(command.value()));
        }
        client.redirections().forEach(redirection -> redirection.suppliedInput().ifPresent(statements::add));
        statements.forEach(text -> checkStatements(client, text, findings));
    }

    /** Rates {@code statements} sent to {@code client}. */
    static void checkStatements(Invocation client, String statements, FindingCollector findings) {
        String destructive = destructiveStatement(client.name(), statements);
        if (destructive == null) {
            return;
        }
        boolean production = namesProduction(client, statements);
        findings.add(FindingCode.DESTRUCTIVE_SQL, production ? RiskLevel.CRITICAL : RiskLevel.HIGH,
                destructive + " through " + client.name() + (production ? " on production" : "") + " (" + client.display() + ")");
    }

    static boolean isClient(String name) {
        return STATEMENT_OPTIONS.containsKey(name) || name.equals("sqlite3");
    }

    private static String destructiveStatement(String client, String text) {
        if (client.equals("redis-cli")) {
            return REDIS_FLUSH.matcher(text).find() ? "FLUSHALL/FLUSHDB" : null;
        }
        if (client.startsWith("mongo") && MONGO_DROP.matcher(text).find()) {
            return "drop or delete-all";
        }
        var drop = DROP.matcher(text);
        if (drop.find()) {
            return "DROP " + drop.group(1).toUpperCase(Locale.ROOT);
        }
        if (TRUNCATE.matcher(text).find()) {
            return "TRUNCATE";
        }
        if (ALTER_DROP.matcher(text).find()) {
            return "ALTER TABLE ... DROP";
        }
        for (String statement : text.split(";")) {
            if (DELETE_FROM.matcher(statement).find() && !WHERE.matcher(statement).find()) {
                return "DELETE without WHERE";
            }
        }
        return null;
    }

    /** True when a connection argument (host, database, URI; not the statements) names production. */
    private static boolean namesProduction(Invocation client, String statements) {
        for (Word arg : client.args()) {
            String value = arg.value();
            if (!value.equals(statements) && value.toLowerCase(Locale.ROOT).contains("prod")) {
                return true;
            }
        }
        return false;
    }
}
