package dev.vectraguard.config;

import java.util.Locale;

/** {@code VECTRAGUARD_ENV}: what kind of machine the operator says this is; it drives guard level {@code auto}. */
public enum DeploymentEnv {
    PRODUCTION, STAGING, CI, DEVELOPMENT;

    public static final String ENV_VAR = "VECTRAGUARD_ENV";

    /** Accepts production|prod, staging|stage, ci, development|dev (any case). */
    static DeploymentEnv parse(String value) throws ConfigException {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "production", "prod" -> PRODUCTION;
            case "staging", "stage" -> STAGING;
            case "ci" -> CI;
            case "development", "dev" -> DEVELOPMENT;
            default -> throw new ConfigException(ENV_VAR + ": must be one of production, prod, staging, stage, ci, development, dev (got '" + value + "')");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
