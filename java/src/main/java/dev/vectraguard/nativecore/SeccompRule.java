package dev.vectraguard.nativecore;

import java.util.List;

/**
 * One seccomp rule: {@code action} (a raw SECCOMP_RET_* value, e.g. {@code 0x00050001} for
 * ERRNO(EPERM)) for {@code syscall} when all {@code args} match. Unknown syscall names are skipped
 * by the compiler.
 */
public record SeccompRule(String syscall, int action, List<SeccompArg> args) {

    /** The most comparisons one rule may have (vg_seccomp_rule.args). */
    public static final int MAX_ARGS = 6;

    public SeccompRule {
        NativeStrings.check("syscall", syscall);
        args = List.copyOf(args);
        if (args.size() > MAX_ARGS) {
            throw new IllegalArgumentException("seccomp rule for " + syscall + " has " + args.size()
                    + " argument comparisons, at most " + MAX_ARGS);
        }
    }

    public SeccompRule(String syscall, int action) {
        this(syscall, action, List.of());
    }
}
