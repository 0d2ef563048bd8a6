package dev.vectraguard.cli;

import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;

/** The one notice line vg prints on stderr about a sandboxed run. */
final class Notices {
    private Notices() {}

    static String sandbox(SandboxSpec spec, SandboxProcess process, boolean cached, String why) {
        StringBuilder line = new StringBuilder("vg: sandbox (")
                .append(spec.securityLevel().label())
                .append(cached ? ", cached" : "")
                .append(", network ").append(spec.network().label())
                .append(", ").append(process.limitsDescription())
                .append(") — ").append(why);
        for (String notice : process.notices()) {
            line.append("; ").append(notice);
        }
        return line.toString();
    }
}
