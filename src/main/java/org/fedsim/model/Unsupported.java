package org.fedsim.model;

/**
 * An option an engine cannot compute exactly, so it refuses the scenario instead of approximating it.
 *
 * @param key the scenario key that holds the option, e.g. {@code model.optimizer}
 * @param what what is unsupported, in words, e.g. {@code "optimizer rmsprop"}
 */
public record Unsupported(String key, String what) {}
