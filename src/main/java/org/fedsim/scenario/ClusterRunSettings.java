package org.fedsim.scenario;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fedsim.data.PartitionSettings;
import org.fedsim.data.RaceGroup;

/**
 * How a run waits for its hospitals on a cluster (the scenario's {@code cluster} block; a single-JVM run ignores it).
 *
 * @param sites the sites the run needs, in site order ([] in the scenario: the synthetic cohort's race groups, or
 *     the clients of a partition), the external sites of {@code dataset.external-sites} among them (added when not
 *     listed)
 * @param external the external sites: scored each round by the nodes that hold them, never trained
 * @param joinTimeout how long the server waits for hospital nodes to offer them
 * @param proceedWithout at the timeout, go on with the sites present (true) or fail the run (false)
 */
public record ClusterRunSettings(List<String> sites, List<String> external, Duration joinTimeout,
    boolean proceedWithout) {
  public enum Missing { FAIL, PROCEED }

  /** Reads and checks the {@code cluster} block of a run's settings. */
  public static ClusterRunSettings of(RunSpec run) {
    // the run's settings as text lose where each value was written: errors name the scenario and the key
    ConfigReader r = new ConfigReader(ConfigFactory.parseString(run.hocon(),
        ConfigParseOptions.defaults().setOriginDescription("scenario")));
    List<String> sites = new ArrayList<>(r.stringList("cluster.sites"));
    PartitionSettings partition = run.scenario().partition();
    if (sites.isEmpty() && partition.type() != PartitionSettings.Type.NATURAL) {
      for (int i = 0; i < partition.clients(); i++) sites.add(PartitionSettings.clientName(i, partition.clients()));
    } else if (sites.isEmpty()) {
      if (!(run.scenario().dataset() instanceof DatasetSpec.Synthetic)) {
        throw r.error("cluster.sites", "the sites the run needs (the values of the dataset's site column), "
            + "since the server node holds no data to find them in");
      }
      for (RaceGroup g : RaceGroup.values()) sites.add(g.siteName());
    }
    if (sites.stream().distinct().count() != sites.size()) throw r.error("cluster.sites", "distinct site names");
    for (String ext : partition.externalSites()) if (!sites.contains(ext)) sites.add(ext);
    Missing missing = r.enumValue("cluster.missing-sites", Missing.class);
    return new ClusterRunSettings(List.copyOf(sites), List.copyOf(partition.externalSites()),
        r.positiveDuration("cluster.join-timeout"),
        missing == Missing.PROCEED);
  }
}
