package org.fedsim.scenario;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fedsim.data.RaceGroup;

/**
 * How a run waits for its hospitals on a cluster (the scenario's {@code cluster} block; a single-JVM run ignores it).
 *
 * @param sites the sites the run needs, in site order
 * @param joinTimeout how long the server waits for hospital nodes to offer them
 * @param proceedWithout at the timeout, go on with the sites present (true) or fail the run (false)
 */
public record ClusterRunSettings(List<String> sites, Duration joinTimeout, boolean proceedWithout) {
  public enum Missing { FAIL, PROCEED }

  /** Reads and checks the {@code cluster} block of a run's settings. */
  public static ClusterRunSettings of(RunSpec run) {
    ConfigReader r = new ConfigReader(ConfigFactory.parseString(run.hocon()));
    List<String> sites = new ArrayList<>(r.stringList("cluster.sites"));
    if (sites.isEmpty()) {
      if (!(run.scenario().dataset() instanceof DatasetSpec.Synthetic)) {
        throw r.error("cluster.sites", "the sites the run needs (the values of the dataset's site column), "
            + "since the server node holds no data to find them in");
      }
      for (RaceGroup g : RaceGroup.values()) sites.add(g.siteName());
    }
    if (sites.stream().distinct().count() != sites.size()) throw r.error("cluster.sites", "distinct site names");
    Missing missing = r.enumValue("cluster.missing-sites", Missing.class);
    if (run.scenario().partition().type() != org.fedsim.data.PartitionSettings.Type.NATURAL) {
      throw r.error("dataset.partition.type", "natural on a cluster (each hospital node holds its own sites' rows; "
          + "dealing rows to clients needs them all in one place)");
    }
    if (run.scenario().events().events().stream().anyMatch(e -> e.action() == org.fedsim.timing.ScriptedEvent.Action.RECOVER)) {
      throw new ScenarioException("events: action = recover is not supported on a cluster (a crashed hospital's node "
          + "restarts it: stop and start the node instead)");
    }
    return new ClusterRunSettings(List.copyOf(sites), r.positiveDuration("cluster.join-timeout"),
        missing == Missing.PROCEED);
  }
}
