package dev.vectraguard.json;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How a record maps to a JSON object written by others (e.g. the OCI seccomp format): keys spelled
 * exactly as the record components ({@code defaultAction}, not {@code default_action}) and, with
 * {@link #ignoreUnknown}, keys the record does not name are skipped instead of being an error.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface JsonKeys {
    boolean ignoreUnknown() default false;
}
