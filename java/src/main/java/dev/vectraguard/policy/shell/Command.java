package dev.vectraguard.policy.shell;

/** A node of the command tree. */
public sealed interface Command
        permits SimpleCommand, Pipeline, CommandList, Subshell, BraceGroup, FunctionDefinition, CompoundCommand {}
