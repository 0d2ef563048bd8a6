package dev.vectraguard.mcp;

import dev.vectraguard.guard.Guard;
import dev.vectraguard.sandbox.SandboxProcess;
import dev.vectraguard.sandbox.SandboxSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The lines vg would print on stderr about one run, kept for the tool's answer. */
final class CollectedNotices implements Guard.Reporter {
    private final List<String> lines = new ArrayList<>();
    private String allowCommand;

    @Override
    public synchronized void print(String kind, String message, Map<String, Object> fields) {
        lines.add(message);
        if (fields.get("allow") instanceof String command) {
            allowCommand = command;
        }
    }

    @Override
    public synchronized void sandbox(SandboxSpec spec, SandboxProcess process, boolean cached, String why) {
        lines.addAll(process.notices());
    }

    @Override
    public synchronized void warn(String message) {
        lines.add(message);
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The {@code vg trust add ...} line a person can use to allow a command that was blocked for want of approval. */
    synchronized String allowCommand() {
        return allowCommand;
    }
}
