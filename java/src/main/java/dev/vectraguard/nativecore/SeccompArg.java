package dev.vectraguard.nativecore;

/**
 * One seccomp argument comparison, libseccomp semantics.
 *
 * @param index the syscall argument, 0..5
 * @param op SCMP_CMP_* value: 1 NE, 2 LT, 3 LE, 4 EQ, 5 GE, 6 GT, 7 MASKED_EQ
 * @param value the operand (the mask for MASKED_EQ)
 * @param valueTwo the second operand of MASKED_EQ, else 0
 */
public record SeccompArg(int index, int op, long value, long valueTwo) {

    public static final int NE = 1, LT = 2, LE = 3, EQ = 4, GE = 5, GT = 6, MASKED_EQ = 7;

    public SeccompArg {
        if (index < 0 || index > 5) {
            throw new IllegalArgumentException("seccomp argument index must be 0..5: " + index);
        }
        if (op < NE || op > MASKED_EQ) {
            throw new IllegalArgumentException("unknown seccomp comparison: " + op);
        }
    }
}
