package dev.vectraguard.sandbox.toolconfig;

/** Removes the credentials from the text of one config file format. */
@FunctionalInterface
interface ConfigFilter {
    String filter(String text) throws UnparseableConfig;
}
