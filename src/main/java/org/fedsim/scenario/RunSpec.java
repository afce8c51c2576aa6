package org.fedsim.scenario;

/**
 * One run of a scenario file: its label within the sweep (e.g. {@code epsilon=0.1,seed=2}), its settings, and the
 * same settings as HOCON text (every key resolved; what travels to hospital nodes of a cluster, which rebuild the
 * settings with {@link ScenarioLoader#scenarioOf}).
 */
public record RunSpec(String label, Scenario scenario, String hocon) {}
