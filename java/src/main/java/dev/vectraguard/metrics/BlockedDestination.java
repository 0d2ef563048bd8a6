package dev.vectraguard.metrics;

import java.time.Instant;

/** A destination restricted networking refused, kept in {@code metrics.json} with the run that tried it. */
public record BlockedDestination(Instant time, String destination, String command) {
    public BlockedDestination {
        if (time == null || destination == null || command == null) {
            throw new IllegalArgumentException("a blocked destination needs a time, a destination and a command");
        }
    }
}
