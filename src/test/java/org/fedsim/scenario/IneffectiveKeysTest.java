package org.fedsim.scenario;

import static org.fedsim.scenario.ScenarioLoaderTest.assertMentions;
import static org.fedsim.scenario.ScenarioLoaderTest.load;
import static org.fedsim.scenario.ScenarioLoaderTest.loadFails;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fedsim.aggregation.StrategySettings;
import org.fedsim.data.PartitionSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A key that has no effect given the other keys is refused, unless it is the default or some sweep run uses it. */
class IneffectiveKeysTest {
  @TempDir Path dir;

  Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  /**
   * Line 1 sets the governing keys, line 2 the key without effect: the message names the key, its file:line, what
   * it applies to and what the scenario has instead.
   */
  @ParameterizedTest(name = "{1} with {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      dataset.partition.type = natural                 | dataset.partition.clients = 16                   | dataset.partition.type 'dirichlet' or 'iid' or 'quantity' or 'shards' | 'natural'
      dataset.partition.type = iid                     | dataset.partition.alpha = 0.3                    | dataset.partition.type 'dirichlet'    | 'iid'
      dataset.partition.type = dirichlet               | dataset.partition.exponent = 2                   | dataset.partition.type 'quantity'     | 'dirichlet'
      dataset.partition.type = quantity                | dataset.partition.labels-per-client = 2          | dataset.partition.type 'shards'       | 'quantity'
      dataset.type = synthetic                         | dataset.csv.label = died                         | dataset.type 'csv'                    | 'synthetic'
      strategy.name = fedavg                           | strategy.trimmed-mean.beta = 0.3                 | strategy.name 'trimmed-mean'          | 'fedavg'
      strategy.name = median                           | strategy.fedprox.mu = 0.1                        | strategy.name 'fedprox'               | 'median'
      strategy.name = fedavg                           | strategy.krum.f = 2                              | strategy.name 'krum' or 'multi-krum'  | 'fedavg'
      strategy.name = krum                             | strategy.bulyan.f = 2                            | strategy.name 'bulyan'                | 'krum'
      strategy.name = krum                             | strategy.multi-krum.m = 5                        | strategy.name 'multi-krum'            | 'krum'
      strategy.name = fedadam                          | strategy.fedyogi.eta = 0.1                       | strategy.name 'fedyogi'               | 'fedadam'
      strategy.name = fedprox                          | strategy.fedavgm.momentum = 0.5                  | strategy.name 'fedavgm'               | 'fedprox'
      privacy.mode = none                              | privacy.clipping-norm = 2                        | privacy.mode 'central' or 'dp-sgd' or 'local' | 'none'
      privacy.mode = none                              | privacy.delta = 1e-6                             | privacy.mode 'central' or 'dp-sgd' or 'local' | 'none'
      privacy { mode = dp-sgd }, model.engine = dense  | privacy.calibration = analytic                   | privacy.mode 'local'                  | 'dp-sgd'
      privacy { mode = local, epsilon = 1 }            | privacy.noise-multiplier = 2                     | privacy.mode 'central' or 'dp-sgd'    | 'local'
      privacy.mode = central                           | privacy.sensitivity = 2                          | privacy.mode 'local'                  | 'central'
      privacy.mode = dp-sgd, model.engine = dense      | privacy.adaptive-clipping.enabled = true         | privacy.mode 'central'                | 'dp-sgd'
      privacy.mode = central                           | privacy.adaptive-clipping.target-quantile = 0.7  | privacy.adaptive-clipping.enabled 'true' | 'false'
      model.optimizer = adam                           | model.momentum = 0.5                             | model.optimizer 'nesterovs'           | 'adam'
      timing.clock = virtual                           | timing.time-scale = 0.5                          | timing.clock 'real'                   | 'virtual'
      round-policy.late-updates = discard              | round-policy.staleness-weight = 0.2              | round-policy.late-updates 'fold'      | 'discard'
      """)
  void aKeyWithoutEffectIsRefusedNamingItsLineAndWhy(String context, String setting, String appliesTo, String has)
      throws IOException {
    Path f = write("noeffect.conf", context.replace(", ", "\n") + "\n" + setting + "\n");
    int line = context.split(", ").length + 1;
    String key = setting.substring(0, setting.indexOf('=')).trim();
    assertMentions(loadFails(f), "noeffect.conf:" + line + ": key '" + key + "'", "has no effect",
        key + " applies to " + appliesTo, "this scenario has", has + " (");
  }

  @Test
  void aCsvScenarioRefusesASyntheticCohortKey() throws IOException {
    Path f = write("csv.conf", """
        dataset.type = csv
        dataset.csv { path = "x.csv", features = [a, b] }
        dataset.synthetic.patients = 5000
        """);
    assertMentions(loadFails(f), "csv.conf:3: key 'dataset.synthetic.patients' = 5000 has no effect",
        "applies to dataset.type 'synthetic'", "dataset.type 'csv' (", "csv.conf:1)");
  }

  @Test
  void theGoverningKeysDefaultIsNamedAsSuch() throws IOException {
    Path f = write("default.conf", "name = d\ndataset.partition.alpha = 0.3\n");
    assertMentions(loadFails(f), "default.conf:2", "'natural' (reference.conf (default))",
        "or set dataset.partition.type = dirichlet");
  }

  @Test
  void aSetFlagIsNamedAsWhereTheKeyWasWritten() throws IOException {
    Path f = write("set.conf", "dataset.partition.type = iid\n");
    assertMentions(loadFails(f, "strategy.fedprox.mu=0.5"), "--set strategy.fedprox.mu=0.5: key 'strategy.fedprox.mu'",
        "strategy.name 'fedprox'", "'fedavg' (reference.conf (default))");
  }

  @Test
  void everyKeyWithoutEffectIsReportedAtOnce() throws IOException {
    Path f = write("two.conf", "dataset.partition.alpha = 0.3\nstrategy.krum.f = 3\n");
    assertMentions(loadFails(f), "two.conf:1: key 'dataset.partition.alpha'", "two.conf:2: key 'strategy.krum.f'");
  }

  @Test
  void theDefaultValueWrittenOutIsAccepted() throws IOException {
    // 1 and 1.0 are the same number; off is false
    Path f = write("defaults.conf", """
        dataset.partition { type = iid, alpha = 0.5, exponent = 1, labels-per-client = 1 }
        strategy { fedprox.mu = 0.01, krum.f = 1.0 }
        privacy { clipping-norm = 1.0, adaptive-clipping.enabled = off }
        """);
    assertEquals(PartitionSettings.Type.IID, load(f).runs().get(0).scenario().partition().type());
  }

  @Test
  void aKeyOnlySomeSweepRunsUseIsAccepted() throws IOException {
    Path f = write("sweep.conf", """
        dataset.partition.alpha = 0.3
        strategy { fedprox.mu = 0.1, trimmed-mean.beta = 0.3 }
        sweep {
          dataset.partition.type = [iid, dirichlet]
          strategy.name = [fedavg, fedprox, trimmed-mean]
        }
        """);
    ScenarioLoader.Loaded loaded = load(f);
    assertEquals(6, loaded.runs().size());
    for (RunSpec run : loaded.runs()) {
      Scenario s = run.scenario();
      assertEquals(0.3, s.partition().alpha(), run.label());
      if (s.strategy().name() == StrategySettings.Name.FEDPROX) assertEquals(0.1, s.strategy().mu(), 1e-12);
    }
  }

  @Test
  void aKeyNoSweepRunUsesIsRefused() throws IOException {
    Path f = write("nosweep.conf", """
        dataset.partition.alpha = 0.3
        sweep {
          dataset.partition.type = [iid, quantity]
          seed = [1, 2]
        }
        """);
    assertMentions(loadFails(f), "nosweep.conf:1: key 'dataset.partition.alpha' = 0.3 has no effect",
        "'iid' (", "nosweep.conf:3) or 'quantity' (", "nosweep.conf:3) in every run of the sweep that sets it");
  }

  @Test
  void aSweepOverAKeyWithoutEffectIsRefusedAtTheSweep() throws IOException {
    Path f = write("axis.conf", """
        dataset.partition.type = iid
        sweep { dataset.partition.alpha = [0.1, 0.5] }
        """);
    assertMentions(loadFails(f), "axis.conf:2: key 'dataset.partition.alpha' = 0.1 has no effect", "'iid' (", "axis.conf:1)");
  }

  @Test
  void theResolvedConfOfAValidScenarioLoadsBack() throws IOException {
    Path f = write("valid.conf", """
        dataset.partition { type = dirichlet, alpha = 0.3, clients = 5 }
        strategy { name = fedprox, fedprox.mu = 0.1 }
        privacy { mode = local, epsilon = 2, calibration = analytic }
        sweep { strategy.name = [fedprox, trimmed-mean], strategy.trimmed-mean.beta = [0.1, 0.3] }
        """);
    ScenarioLoader.Loaded loaded = load(f);
    Path resolved = write("resolved.conf", loaded.render());
    ScenarioLoader.Loaded again = load(resolved);
    assertEquals(loaded.runs().stream().map(RunSpec::label).toList(), again.runs().stream().map(RunSpec::label).toList());
    assertEquals(loaded.runs().stream().map(RunSpec::scenario).toList(),
        again.runs().stream().map(RunSpec::scenario).toList());
    assertEquals(ConfigFactory.parseString(loaded.render()).root().unwrapped(),
        ConfigFactory.parseString(again.render()).root().unwrapped());
  }
}
