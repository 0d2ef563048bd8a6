package dev.vectraguard.cli;

/** Entry point of the {@code vg} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("vg");
    }
}
