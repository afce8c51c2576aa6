package org.fedsim.scenario;

/** One run of a scenario file: its label within the sweep (e.g. {@code epsilon=0.1,seed=2}) and its settings. */
public record RunSpec(String label, Scenario scenario) {}
