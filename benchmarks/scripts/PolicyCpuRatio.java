import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Compares the rater of two builds of benchmarks.jar on a busy machine: both are loaded side by side in
 * one JVM (one class loader each) and rate commands.txt in alternation, timed by the thread's CPU time,
 * which other processes on the machine do not inflate the way they inflate wall-clock time. Parsing is
 * timed too, as a control when the parser did not change (its ratio should be ~1).
 *
 * <pre>java benchmarks/scripts/PolicyCpuRatio.java before.jar after.jar [rounds]</pre>
 */
public class PolicyCpuRatio {
    public static void main(String[] args) throws Exception {
        ClassLoader before = new URLClassLoader(new URL[] {Path.of(args[0]).toUri().toURL()}, null);
        ClassLoader after = new URLClassLoader(new URL[] {Path.of(args[1]).toUri().toURL()}, null);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 80;
        List<String> commands;
        try (var reader = new BufferedReader(new InputStreamReader(
                after.getResourceAsStream("dev/vectraguard/benchmarks/commands.txt"), StandardCharsets.UTF_8))) {
            commands = reader.lines().filter(line -> !line.isBlank()).toList();
        }
        Method[] methods = {
            method(before, "dev.vectraguard.policy.RiskAnalyzer", "analyze"), method(after, "dev.vectraguard.policy.RiskAnalyzer", "analyze"),
            method(before, "dev.vectraguard.policy.shell.ShellParser", "parse"), method(after, "dev.vectraguard.policy.shell.ShellParser", "parse")};
        String[] names = {"analyze, before", "analyze, after", "parse, before", "parse, after"};
        for (int warmup = 0; warmup < rounds; warmup++) {
            for (Method method : methods) {
                rateAll(method, commands);
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][] nanosPerCommand = new double[methods.length][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int m = 0; m < methods.length; m++) {
                long start = threads.getCurrentThreadCpuTime();
                rateAll(methods[m], commands);
                nanosPerCommand[m][round] = (threads.getCurrentThreadCpuTime() - start) / (double) commands.size();
            }
        }
        double[] medians = new double[methods.length];
        for (int m = 0; m < methods.length; m++) {
            double[] sorted = nanosPerCommand[m].clone();
            Arrays.sort(sorted);
            medians[m] = sorted[rounds / 2];
            System.out.printf("%-16s median %6.0f ns CPU per command (p10 %6.0f, p90 %6.0f)%n", names[m], medians[m],
                    sorted[rounds / 10], sorted[rounds * 9 / 10]);
        }
        System.out.printf("after / before: analyze %.2f, parse %.2f (%d commands, %d rounds)%n", medians[1] / medians[0],
                medians[3] / medians[2], commands.size(), rounds);
    }

    private static Method method(ClassLoader loader, String type, String name) throws Exception {
        return loader.loadClass(type).getMethod(name, String.class);
    }

    private static void rateAll(Method method, List<String> commands) throws Exception {
        for (String command : commands) {
            method.invoke(null, command);
        }
    }
}
