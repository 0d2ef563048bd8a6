package dev.vectraguard.sandbox;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.vectraguard.sandbox.IsolationChecks.expect;

/**
 * Normal development tools keep working in the strictest seccomp profile (the strict level), each
 * doing real work whose result is checked from outside. A tool missing on this machine is skipped.
 */
class DevToolsUnderStrictTest {
    private static final Map<String, String> TOOLS = new LinkedHashMap<>();

    static {
        TOOLS.put("git", "git init -q repo && cd repo && git -c user.email=vg@example.org -c user.name=vg commit -q --allow-empty -m one"
                + " && git log --oneline | wc -l > ../result");
        TOOLS.put("node", "node -e 'require(\"fs\").writeFileSync(\"result\", String(6 * 7) + \"\\n\")'");
        TOOLS.put("npm", "npm init -y > /dev/null && node -e 'console.log(require(\"./package.json\").version)' > result");
        TOOLS.put("python3", "python3 -c 'import json, sqlite3; print(json.dumps(sqlite3.connect(\":memory:\").execute(\"select 6*7\").fetchone()[0]))' > result");
        TOOLS.put("java", "printf 'class A { public static void main(String[] a) { System.out.println(6 * 7); } }' > A.java"
                + " && java A.java > result");
        TOOLS.put("gcc", "printf '#include <stdio.h>\\nint main(void) { printf(\"%%d\\\\n\", 6 * 7); return 0; }\\n' > m.c"
                + " && gcc -o m m.c && ./m > result");
        TOOLS.put("make", "printf 'result:\\n\\techo built > result\\n' > Makefile && make -s");
        TOOLS.put("cargo", "cargo --version > /dev/null && cargo new -q --vcs none hello && cd hello && cargo build -q --offline"
                + " && ./target/debug/hello > ../result");
    }

    private static final Map<String, String> EXPECTED = Map.of("git", "1", "node", "42", "npm", "1.0.0", "python3", "42",
            "java", "42", "gcc", "42", "make", "built", "cargo", "Hello, world!");

    @TestFactory
    Stream<DynamicTest> toolsWorkAtStrict() {
        return TOOLS.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Assumptions.assumeTrue(onPath(e.getKey()), e.getKey() + " is not installed here");
            Path ws = IsolationChecks.tempDir("tools");
            SandboxSpec spec = IsolationChecks.spec(SecurityLevel.STRICT, ws, List.of("sh", "-c", e.getValue()))
                    .environment(Environment.whitelisted(System.getenv(), Environment.DEFAULT_WHITELIST))
                    .timeout(Duration.ofMinutes(3))
                    .build();
            IsolationChecks.Result result = IsolationChecks.run(spec);
            expect(result.status() == 0, e.getKey() + " failed under strict: " + result);
            String produced = Files.readString(ws.resolve("result")).strip();
            expect(produced.equals(EXPECTED.get(e.getKey())), e.getKey() + " produced '" + produced + "': " + result);
        }));
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
