package dev.vectraguard.cli;

import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;

/** The one notice line vg prints on stderr about a run. */
final class Notices {
    private Notices() {}

    static String sandbox(SandboxSpec spec, SandboxProcess process) {
        StringBuilder line = new StringBuilder("vg: sandbox (")
                .append(spec.securityLevel().label())
                .append(", network ").append(spec.network().label())
                .append(", ").append(process.limitsDescription())
                .append(')');
        for (String notice : process.notices()) {
            line.append(" — ").append(notice);
        }
        return line.toString();
    }
}
