package org.fedsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.fedsim.data.MissingValues;
import org.fedsim.data.Scaling;
import org.fedsim.model.Engine;
import org.fedsim.model.ModelSettings;
import org.fedsim.model.Unsupported;
import org.fedsim.privacy.Calibration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioLoaderTest {
  @TempDir Path dir;

  Path write(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    return Files.writeString(f, content, StandardCharsets.UTF_8);
  }

  static ScenarioLoader.Loaded load(Path file, String... sets) {
    return ScenarioLoader.load(file, List.of(sets), null);
  }

  static ScenarioException loadFails(Path file, String... sets) {
    return assertThrows(ScenarioException.class, () -> load(file, sets));
  }

  static void assertMentions(Throwable e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), () -> "'" + p + "' not in: " + e.getMessage());
  }

  static Scenario only(ScenarioLoader.Loaded loaded) {
    assertEquals(1, loaded.runs().size(), () -> "runs: " + loaded.runs());
    return loaded.runs().get(0).scenario();
  }

  static List<String> labels(ScenarioLoader.Loaded loaded) {
    return loaded.runs().stream().map(RunSpec::label).toList();
  }

  @Test
  void aDurationWithoutItsUnitIsRefusedRatherThanReadAsMilliseconds() throws IOException {
    Path f = write("units.conf", "round-policy.deadline = 30\n");
    assertMentions(loadFails(f), "units.conf", ":1", "round-policy.deadline", "a bare number would be milliseconds");
    Path g = write("units2.conf", "name = u\n");
    assertMentions(loadFails(g, "timing.round-timeout=600"), "timing.round-timeout",
        "a bare number is read as milliseconds");
    assertEquals(30_000.0, only(load(g, "round-policy.deadline=30s")).policy().deadlineValue(), 1e-9);
    assertEquals(Duration.ofMillis(30), only(load(g, "timing.round-timeout=30ms")).roundTimeout());
  }

  // ---- unknown keys ----

  @Test
  void misspeltKeyIsReportedWithFileLineAndNearestValidKey() throws IOException {
    Path f = write("typo.conf", """
        name = typo
        rounds = 5
        privacy.epsilom = 1
        """);
    ScenarioException e = loadFails(f);
    assertMentions(e, "typo.conf", ":3", "privacy.epsilom", "did you mean 'privacy.epsilon'");
  }

  @Test
  void everyUnknownKeyIsReportedNotJustTheFirst() throws IOException {
    Path f = write("typos.conf", """
        rounds = 5
        model.hiden-layers = [8]
        selection.fracton = 0.5
        privacy { mode = local, epsilom = 2 }
        """);
    ScenarioException e = loadFails(f);
    assertMentions(e, "typos.conf:2", "model.hiden-layers", "did you mean 'model.hidden-layers'",
        "typos.conf:3", "selection.fracton", "did you mean 'selection.fraction'",
        "typos.conf:4", "privacy.epsilom", "did you mean 'privacy.epsilon'");
  }

  @Test
  void misspeltSectionNameSuggestsTheFullKey() throws IOException {
    Path f = write("section.conf", """
        privcy {
          epsilon = 1
        }
        """);
    ScenarioException e = loadFails(f);
    assertMentions(e, "section.conf:2", "privcy.epsilon", "did you mean 'privacy.epsilon'");
  }

  @Test
  void valueWhereASectionIsExpectedIsAnError() throws IOException {
    Path f = write("flat.conf", "privacy = 1\n");
    assertMentions(loadFails(f), "flat.conf:1", "privacy", "expected an object");
  }

  @Test
  void misspeltKeyInsideSweepIsReported() throws IOException {
    Path f = write("sweeptypo.conf", """
        privacy.mode = local
        sweep {
          privacy.epsilom = [0.1, 1]
          seed = [1, 2]
        }
        """);
    ScenarioException e = loadFails(f);
    assertMentions(e, "sweeptypo.conf:3", "sweep.privacy.epsilom", "did you mean 'privacy.epsilon'");
  }

  // ---- types and ranges ----

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      rounds = "abc"                             | rounds               | an integer
      rounds = 0                                 | rounds               | >= 1
      selection.fraction = 1.5                   | selection.fraction   | (0, 1]
      model.activation = relu6                   | model.activation     | relu | tanh | sigmoid | identity
      model.hidden-layers = [4, 0]               | model.hidden-layers  | >= 1
      privacy.delta = 2                          | privacy.delta        | (0, 1)
      privacy.epsilon = lots                     | privacy.epsilon      | none
      timing.round-timeout = -1s                 | timing.round-timeout | positive duration
      timing.evaluation-timeout = soon           | timing.evaluation-timeout | duration
      preprocessing.validation-fraction = 1      | preprocessing.validation-fraction | (0, 1)
      dataset.type = parquet                     | dataset.type         | synthetic | csv
      preprocessing.balance = maybe              | preprocessing.balance | true or false
      dataset.partition.type = random            | dataset.partition.type | quantity
      dataset.partition.clients = 1              | dataset.partition.clients | >= 2
      dataset.partition.clients = 1001           | dataset.partition.clients | [2, 1000]
      dataset.partition.alpha = 0                | dataset.partition.alpha | (0,
      dataset.partition.exponent = -1            | dataset.partition.exponent | [0, 10]
      dataset.partition.labels-per-client = 0    | dataset.partition.labels-per-client | >= 1
      dataset.external-sites = [WHITE, WHITE]    | dataset.external-sites | distinct site names
      """)
  void badValueNamesKeyFileLineAndWhatWasExpected(String line, String key, String expected) throws IOException {
    // line 1 is a comment, line 2 switches local DP on (so the privacy keys are read), the bad value is on line 3
    Path f = write("bad.conf", "# a scenario with one bad value\nprivacy { mode = local, epsilon = 1 }\n" + line + "\n");
    ScenarioException e = loadFails(f);
    assertMentions(e, "bad.conf:3", "'" + key + "'", expected);
  }

  @Test
  void badValueInsideASweepNamesTheSweepLine() throws IOException {
    Path f = write("badsweep.conf", """
        privacy { mode = local, epsilon = 1 }
        sweep {
          rounds = [5, 0]
        }
        """);
    assertMentions(loadFails(f), "badsweep.conf:3", "'rounds'", ">= 1");
  }

  // ---- --set and --seed ----

  @Test
  void setOverridesTheFile() throws IOException {
    Path f = write("s.conf", "rounds = 7\nmodel.batch-size = 16\n");
    Scenario s = only(load(f, "rounds=3", "privacy.mode=local", "privacy.epsilon = 10"));
    assertEquals(3, s.rounds());
    assertEquals(16, s.model().batchSize());
    assertEquals(PrivacySettings.Mode.LOCAL, s.privacy().mode());
    assertEquals(10.0, s.privacy().epsilon());
  }

  @Test
  void laterSetWinsOverEarlierSet() throws IOException {
    Path f = write("s.conf", "rounds = 7\n");
    assertEquals(4, only(load(f, "rounds=3", "rounds=4")).rounds());
  }

  @Test
  void setWithoutEqualsIsAnErrorNamingIt() throws IOException {
    Path f = write("s.conf", "rounds = 7\n");
    assertMentions(loadFails(f, "rounds3"), "--set", "rounds3");
    assertMentions(loadFails(f, "=3"), "--set", "=3");
  }

  @Test
  void unknownKeyFromSetMentionsSet() throws IOException {
    Path f = write("s.conf", "rounds = 7\n");
    assertMentions(loadFails(f, "privacy.epsilom=1"), "--set", "privacy.epsilom", "did you mean 'privacy.epsilon'");
  }

  @Test
  void badValueFromSetMentionsSet() throws IOException {
    Path f = write("s.conf", "rounds = 7\n");
    assertMentions(loadFails(f, "rounds=abc"), "--set rounds=abc", "'rounds'");
  }

  @Test
  void seedOverridesTheScenarioSeed() throws IOException {
    Path f = write("s.conf", "seed = 3\n");
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(f, List.of(), 7L);
    assertEquals(7, only(loaded).seed());
    assertEquals(List.of("seed=7"), labels(loaded));
  }

  @Test
  void seedReplacesASweepOverSeeds() throws IOException {
    Path f = write("sweep.conf", """
        privacy.mode = local
        sweep {
          privacy.epsilon = [0.1, 0.5, 1, 2, 5, 10, 50, 100, none]
          seed = [1, 2, 3]
        }
        """);
    assertEquals(27, load(f).runs().size());
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(f, List.of(), 5L);
    assertEquals(9, loaded.runs().size());
    assertEquals(List.of("epsilon=0.1", "epsilon=0.5", "epsilon=1", "epsilon=2", "epsilon=5", "epsilon=10",
        "epsilon=50", "epsilon=100", "epsilon=none"), labels(loaded));
    for (RunSpec run : loaded.runs()) assertEquals(5, run.scenario().seed(), run.label());
  }

  // ---- sweep ----

  @Test
  void sweepExpandsTheCartesianProductInLabelOrder() throws IOException {
    Path f = write("eps.conf", """
        privacy.mode = local
        privacy.delta = 1e-6
        sweep { privacy.epsilon = [0.1, 1, none], seed = [1, 2] }
        """);
    ScenarioLoader.Loaded loaded = load(f);
    assertEquals(List.of("epsilon=0.1,seed=1", "epsilon=0.1,seed=2", "epsilon=1,seed=1", "epsilon=1,seed=2",
        "epsilon=none,seed=1", "epsilon=none,seed=2"), labels(loaded));
    long[] seeds = {1, 2, 1, 2, 1, 2};
    double[] eps = {0.1, 0.1, 1, 1, Double.NaN, Double.NaN};
    for (int i = 0; i < 6; i++) {
      RunSpec run = loaded.runs().get(i);
      Scenario s = run.scenario();
      assertEquals(seeds[i], s.seed(), run.label());
      assertEquals("eps", s.name());
      if (Double.isNaN(eps[i])) {
        assertFalse(s.privacy().enabled(), run.label());
        assertEquals(PrivacySettings.Mode.NONE, s.privacy().mode(), run.label());
      } else {
        assertTrue(s.privacy().enabled(), run.label());
        assertEquals(PrivacySettings.Mode.LOCAL, s.privacy().mode(), run.label());
        assertEquals(eps[i], s.privacy().epsilon(), run.label());
        assertEquals(1e-6, s.privacy().delta(), run.label());
      }
    }
    // the data split does not follow the run seed
    for (RunSpec run : loaded.runs()) assertEquals(42, run.scenario().preprocessing().seed(), run.label());
  }

  @Test
  void sweepAxesWithTheSameLastElementAreLabelledByFullKey() throws IOException {
    Path f = write("seeds.conf", "sweep { seed = [1, 2], dataset.seed = [7] }\n");
    ScenarioLoader.Loaded loaded = load(f);
    assertEquals(List.of("dataset.seed=7,seed=1", "dataset.seed=7,seed=2"), labels(loaded));
    assertEquals(7, loaded.runs().get(1).scenario().preprocessing().seed());
    assertEquals(2, loaded.runs().get(1).scenario().seed());
  }

  @Test
  void nonListSweepValueIsAnError() throws IOException {
    Path f = write("nonlist.conf", "sweep {\n  seed = 3\n}\n");
    assertMentions(loadFails(f), "nonlist.conf:2", "sweep.seed", "list");
    Path empty = write("emptylist.conf", "sweep {\n  seed = []\n}\n");
    assertMentions(loadFails(empty), "emptylist.conf:2", "sweep.seed", "list");
  }

  @Test
  void sweepThatIsNotAnObjectIsAnError() throws IOException {
    Path f = write("sweepval.conf", "sweep = [1, 2]\n");
    assertMentions(loadFails(f), "sweepval.conf:1", "sweep");
  }

  // ---- defaults ----

  @Test
  void emptyScenarioGetsTheSeedDefaultsAndTheFileName() throws IOException {
    Path f = write("my-empty.conf", "");
    ScenarioLoader.Loaded loaded = load(f);
    assertEquals("my-empty", loaded.name());
    assertEquals(List.of("seed=1"), labels(loaded));
    Scenario s = only(loaded);
    assertEquals("my-empty", s.name());
    assertEquals(1, s.seed());
    assertEquals(25, s.rounds());
    assertEquals(new ModelSettings(List.of(4, 2), ModelSettings.HiddenActivation.RELU, ModelSettings.Loss.XENT,
        ModelSettings.Optimizer.ADAM, 0.001, 32, 10), s.model());
    DatasetSpec.Synthetic ds = assertInstanceOf(DatasetSpec.Synthetic.class, s.dataset());
    assertEquals(26100, ds.settings().patients());
    assertEquals(0.0901, ds.settings().mortality());
    assertEquals(42, ds.settings().seed());
    assertTrue(s.preprocessing().balance());
    assertEquals(Scaling.POOLED, s.preprocessing().scaling());
    assertEquals(0.2, s.preprocessing().validationFraction());
    assertTrue(s.weightByExamples());
    assertEquals(1.0, s.fraction());
    assertEquals(1, s.minParticipants());
    assertEquals(Duration.ofMinutes(10), s.roundTimeout());
    assertEquals(Duration.ofMinutes(10), s.evaluationTimeout());
    assertFalse(s.privacy().enabled());
    assertEquals(PrivacySettings.none(), s.privacy());
  }

  @Test
  void explicitNameWinsOverTheFileName() throws IOException {
    Path f = write("file-name.conf", "name = chosen\n");
    assertEquals("chosen", load(f).name());
    assertEquals("chosen", only(load(f)).name());
  }

  @Test
  void localPrivacyReadsEveryPrivacyKey() throws IOException {
    Path f = write("dp.conf", """
        privacy {
          mode = local
          epsilon = 2
          delta = 1e-6
          clipping-norm = 0.5
          sensitivity = 3
          allow-sensitivity-mismatch = true
          calibration = analytic
        }
        """);
    assertEquals(new PrivacySettings(PrivacySettings.Mode.LOCAL, 2, 1e-6, 0.5, 3, Calibration.ANALYTIC),
        only(load(f)).privacy());
  }

  @Test
  void aSensitivityOtherThanTheClippingNormIsRefusedUnlessAllowedOnPurpose() throws IOException {
    Path f = write("mismatch.conf", "privacy { mode = local, epsilon = 1\n clipping-norm = 1.0\n sensitivity = 0.1 }\n");
    assertMentions(loadFails(f), "mismatch.conf:3", "privacy.sensitivity", "allow-sensitivity-mismatch");
  }

  @Test
  void centralPrivacyReadsTheNoiseMultiplierAndAdaptiveClipping() throws IOException {
    Path f = write("central.conf", """
        privacy {
          mode = central
          noise-multiplier = 0.8
          clipping-norm = 0.2
          adaptive-clipping { enabled = true, target-quantile = 0.6 }
        }
        """);
    PrivacySettings p = only(load(f)).privacy();
    assertEquals(PrivacySettings.Mode.CENTRAL, p.mode());
    assertEquals(0.8, p.noiseMultiplier());
    assertEquals(0.2, p.clippingNorm());
    assertEquals(0.6, p.adaptive().targetQuantile());
    Path bad = write("central-eps.conf", "privacy { mode = central, epsilon = 1 }\n");
    assertMentions(loadFails(bad), "privacy.epsilon", "privacy.mode = central");
  }

  @Test
  void missingScenarioFileIsAnErrorNamingThePath() {
    Path f = dir.resolve("nope.conf");
    assertMentions(loadFails(f), "not found", f.toString());
  }

  @Test
  void unparseableScenarioIsAnErrorNamingTheFile() throws IOException {
    Path f = write("broken.conf", "rounds = {\n");
    assertMentions(loadFails(f), "broken.conf");
  }

  // ---- csv dataset ----

  @Test
  void csvWithoutPathIsAnErrorNamingThePathKey() throws IOException {
    Path f = write("csv.conf", "dataset.type = csv\ndataset.csv.features = [a]\n");
    assertMentions(loadFails(f), "dataset.csv.path");
  }

  @Test
  void csvWithoutFeaturesIsAnErrorNamingTheFeaturesKey() throws IOException {
    Path f = write("csv.conf", "dataset.type = csv\ndataset.csv.path = x.csv\n");
    assertMentions(loadFails(f), "dataset.csv.features");
  }

  @Test
  void relativeCsvPathIsResolvedAgainstTheScenarioDirectory() throws IOException {
    Path f = write("sub/csv.conf", """
        dataset {
          type = csv
          csv {
            path = "../data/cohort.csv"
            features = [hr, glucose]
            label = died
            site = hospital
            missing = fail
          }
        }
        """);
    DatasetSpec.Csv ds = assertInstanceOf(DatasetSpec.Csv.class, only(load(f)).dataset());
    assertEquals(dir.resolve("data/cohort.csv").toAbsolutePath().normalize(), ds.settings().path());
    assertEquals(List.of("hr", "glucose"), ds.settings().features());
    assertEquals("died", ds.settings().label());
    assertEquals("hospital", ds.settings().site());
    assertEquals(MissingValues.FAIL, ds.settings().missing());
  }

  @Test
  void absoluteCsvPathIsKept() throws IOException {
    Path abs = dir.resolve("elsewhere/cohort.csv").toAbsolutePath();
    Path f = write("sub/abs.conf", "dataset { type = csv, csv { path = \"" + abs.toString().replace("\\", "\\\\")
        + "\", features = [hr] } }\n");
    DatasetSpec.Csv ds = assertInstanceOf(DatasetSpec.Csv.class, only(load(f)).dataset());
    assertEquals(abs, ds.settings().path());
  }

  // ---- render ----

  static void assertRoundTrips(ScenarioLoader.Loaded loaded) {
    String text = loaded.render();
    ScenarioLoader.Loaded again = ScenarioLoader.fromConfig(ConfigFactory.parseString(text), List.of(), null,
        "some-other-name");
    assertEquals(loaded.name(), again.name());
    assertEquals(labels(loaded), labels(again));
    assertEquals(loaded.runs(), again.runs(), text);
  }

  @Test
  void renderReloadsToTheSameRuns() throws IOException {
    Path f = write("round-trip.conf", """
        rounds = 4
        model { hidden-layers = [8, 4, 2], activation = tanh, optimizer = sgd, learning-rate = 0.05 }
        selection { fraction = 0.5, min-participants = 2 }
        timing.round-timeout = 90s
        privacy { mode = local, clipping-norm = 2.5, calibration = analytic }
        sweep { privacy.epsilon = [0.5, none], seed = [1, 2] }
        """);
    ScenarioLoader.Loaded loaded = load(f, "model.batch-size=64");
    assertEquals(4, loaded.runs().size());
    assertRoundTrips(loaded);
  }

  @Test
  void renderReloadsToTheSameRunsAfterASeedOverride() throws IOException {
    Path f = write("round-trip.conf", "privacy.mode = local\nsweep { privacy.epsilon = [1, 2], seed = [1, 2] }\n");
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(f, List.of(), 9L);
    assertEquals(List.of("epsilon=1", "epsilon=2"), labels(loaded));
    assertRoundTrips(loaded);
  }

  @Test
  void renderOfACsvScenarioKeepsTheResolvedDataPath() throws IOException {
    Path f = write("sub/csv.conf", """
        dataset { type = csv, csv { path = "../data/cohort.csv", features = [hr] } }
        """);
    ScenarioLoader.Loaded loaded = load(f);
    assertRoundTrips(loaded);
  }

  @Test
  void renderIsHoconWithEveryScenarioKey() throws IOException {
    Path f = write("keys.conf", "rounds = 3\n");
    String text = load(f).render();
    for (String key : Arrays.asList("rounds", "privacy", "epsilon", "hidden-layers", "round-timeout", "sweep")) {
      assertTrue(text.contains(key), () -> key + " not in:\n" + text);
    }
    assertEquals(3, ConfigFactory.parseString(text).getInt("rounds"));
  }

  // ---- guards added after review ----

  @Test
  void anEpsilonWithoutPrivacyModeIsAnErrorNotASilentNonPrivateRun() throws IOException {
    Path f = write("eps.conf", "rounds = 2\nprivacy.epsilon = 1\n");
    assertMentions(loadFails(f), "eps.conf:2", "privacy.epsilon", "privacy.mode = none");
    Path sweep = write("epsweep.conf", "sweep { privacy.epsilon = [0.1, 1] }\n");
    assertMentions(loadFails(sweep), "privacy.epsilon", "privacy.mode = local");
    Path off = write("off.conf", "privacy.epsilon = none\n");
    assertFalse(only(load(off)).privacy().enabled());
  }

  @Test
  void noSuggestionWhenNothingValidIsClose() throws IOException {
    Path f = write("far.conf", "zzzzzzzzzzzz = 1\n");
    ScenarioException e = loadFails(f);
    assertMentions(e, "unknown key 'zzzzzzzzzzzz'");
    assertFalse(e.getMessage().contains("did you mean"), e.getMessage());
  }

  @Test
  void listValuedSweepAxesGetLabelsWhoseCommasOnlySeparateAxes() throws IOException {
    Path f = write("layers.conf", "sweep { model.hidden-layers = [[4, 2], [8]], seed = [1] }\n");
    assertEquals(List.of("hidden-layers=[4;2],seed=1", "hidden-layers=[8],seed=1"), labels(load(f)));
  }

  @Test
  void aBadSetValueIsReportedAsTheFlagWithoutALineNumber() throws IOException {
    Path f = write("ok.conf", "rounds = 2\n");
    ScenarioException e = loadFails(f, "rounds=abc");
    assertTrue(e.getMessage().startsWith("--set rounds=abc: key 'rounds'"), e.getMessage());
  }

  // ---- engines and optimizers ----

  @Test
  void theEngineIsDl4jByDefaultAndDenseOnRequest() throws IOException {
    Path f = write("engine.conf", "rounds = 2\n");
    assertEquals(Engine.DL4J, only(load(f)).engine());
    assertEquals(Engine.DENSE, only(load(f, "model.engine=dense")).engine());
    Path dense = write("dense.conf", "model.engine = dense\n");
    Scenario s = only(load(dense));
    assertEquals(Engine.DENSE, s.engine());
    assertEquals(only(load(f)).model(), s.model(), "the engine is not part of the network");
  }

  @Test
  void anUnknownEngineIsAnErrorNamingTheKeyAndTheEngines() throws IOException {
    Path f = write("gpu.conf", "rounds = 2\nmodel.engine = gpu\n");
    assertMentions(loadFails(f), "gpu.conf:2", "'model.engine'", "dl4j | dense", "gpu");
    assertMentions(loadFails(write("ok.conf", "rounds = 2\n"), "model.engine=gpu"), "--set model.engine=gpu",
        "'model.engine'", "dl4j | dense");
  }

  @Test
  void nesterovsReadsTheMomentum() throws IOException {
    Path f = write("nesterovs.conf", "model { optimizer = nesterovs, momentum = 0.8, learning-rate = 0.05 }\n");
    ModelSettings m = only(load(f)).model();
    assertEquals(ModelSettings.Optimizer.NESTEROVS, m.optimizer());
    assertEquals(0.8, m.momentum());
    assertEquals(0.05, m.learningRate());
    assertEquals(ModelSettings.DEFAULT_MOMENTUM, only(load(write("d.conf", ""))).model().momentum());
    assertMentions(loadFails(write("m.conf", "rounds = 2\nmodel.momentum = 1\n")), "m.conf:2", "'model.momentum'",
        "[0, 1)");
    assertMentions(loadFails(write("o.conf", "model.optimizer = rmsprop\n")), "o.conf:1", "'model.optimizer'",
        "adam | sgd | nesterovs");
  }

  @Test
  void everyNetworkTheLoaderAcceptsTheDenseEngineComputes() throws IOException {
    Path f = write("all.conf", """
        model.engine = dense
        sweep {
          model.activation = [relu, tanh, sigmoid, identity]
          model.loss = [xent, mse]
          model.optimizer = [adam, sgd, nesterovs]
          model.hidden-layers = [[], [3], [8, 4, 2]]
        }
        """);
    assertEquals(4 * 2 * 3 * 3, load(f).runs().size());
  }

  /**
   * No option is refused today (every option is computed: see the test above), so the message an engine's refusal
   * becomes is checked on its own: where the option was written, its key, what is unsupported, where the engine
   * was chosen, and the way out.
   */
  @Test
  void anEngineRefusalNamesTheOptionItsLineTheEngineAndTheWayOut() throws IOException {
    Path f = write("refused.conf", "model.engine = dense\nrounds = 2\nmodel.optimizer = nesterovs\n");
    ConfigReader r = new ConfigReader(load(f).resolved());
    ScenarioException e =
        ScenarioLoader.refusal(r, Engine.DENSE, new Unsupported("model.optimizer", "optimizer nesterovs"));
    assertTrue(e.getMessage().startsWith(f + ":3: key 'model.optimizer': optimizer nesterovs is not "
        + "supported by the dense engine"), e.getMessage());
    assertMentions(e, "model.engine = dense, " + f + ":1", "model.engine = dl4j");
  }

  @Test
  void dpSgdIsRefusedOnDl4jNamingTheModeAndTheEngine() throws IOException {
    Path f = write("dpsgd-dl4j.conf", "model.engine = dl4j\nprivacy.mode = dp-sgd\n");
    assertMentions(loadFails(f), "privacy.mode = dp-sgd", "model.engine = dl4j", "model.engine = dense");
  }

  @Test
  void dpSgdLoadsOnTheDenseEngine() throws IOException {
    Path f = write("dpsgd.conf", "model.engine = dense\nprivacy { mode = dp-sgd, noise-multiplier = 1.5, "
        + "clipping-norm = 0.5, target-epsilon = 3 }\n");
    Scenario s = only(load(f));
    assertEquals(PrivacySettings.Mode.DP_SGD, s.privacy().mode());
    assertEquals(1.5, s.privacy().noiseMultiplier());
    assertEquals(0.5, s.privacy().clippingNorm());
    assertEquals(3.0, s.privacy().targetEpsilon());
  }

  @Test
  void renderKeepsTheEngineAndTheMomentum() throws IOException {
    Path f = write("rt.conf", "model { engine = dense, optimizer = nesterovs, momentum = 0.7 }\n");
    ScenarioLoader.Loaded loaded = load(f);
    assertRoundTrips(loaded);
    Scenario s = only(loaded);
    assertEquals(Engine.DENSE, s.engine());
    assertEquals(0.7, s.model().momentum());
  }

  // ---- timing and round policy ----

  @Test
  void perSiteTimingProfilesOverrideTheDefaultProfileKeyByKey() throws IOException {
    Path f = write("timing.conf", """
        timing.profile.ms-per-sample = 0.2
        timing.sites { "HISPANIC/LATINO" { slowdown = 5 }, WHITE { ms-per-sample = 0.02 } }
        round-policy { deadline = p80, quorum = 4, over-selection = 1.3, late-updates = fold, quorum-missed = extend }
        """);
    Scenario s = only(load(f));
    assertEquals(5, s.timing().sites().get("HISPANIC/LATINO").slowdown());
    assertEquals(0.2, s.timing().sites().get("HISPANIC/LATINO").msPerSample());
    assertEquals(0.02, s.timing().sites().get("WHITE").msPerSample());
    assertEquals(0.2, s.timing().defaults().msPerSample());
    assertEquals(org.fedsim.server.RoundPolicy.DeadlineKind.PERCENTILE, s.policy().deadlineKind());
    assertEquals(80, s.policy().deadlineValue());
    assertEquals(4, s.policy().quorum());
    assertEquals(org.fedsim.server.RoundPolicy.LateUpdates.FOLD, s.policy().lateUpdates());
  }

  @Test
  void anAbsoluteDeadlineIsReadInSimulatedMilliseconds() throws IOException {
    Path f = write("deadline.conf", "round-policy.deadline = 30s\n");
    assertEquals(30_000, only(load(f)).policy().deadlineValue(), 1e-9);
  }

  @Test
  void aMisspeltProfileKeyInsideASiteIsReportedWithTheNearestProfileKey() throws IOException {
    Path f = write("sitetypo.conf", "timing.sites {\n  WHITE { slowdwn = 5 }\n}\n");
    assertMentions(loadFails(f), "sitetypo.conf:2", "timing.sites.WHITE.slowdwn", "did you mean 'slowdown'");
  }

  @Test
  void aBadDeadlineSaysWhatIsAccepted() throws IOException {
    Path f = write("baddeadline.conf", "round-policy.deadline = soonish\n");
    assertMentions(loadFails(f), "baddeadline.conf:1", "round-policy.deadline", "p80");
  }

  // ---- validation gaps found by QA ----

  @Test
  void localPrivacyWithoutAnEpsilonIsRefusedInsteadOfRunningWithoutPrivacy() throws IOException {
    Path f = write("local.conf", "rounds = 2\nprivacy.mode = local\n");
    assertMentions(loadFails(f), "local.conf:2", "'privacy.epsilon' is required with privacy.mode = local");
    Path plain = write("plain.conf", "rounds = 2\n");
    assertMentions(loadFails(plain, "privacy.mode=local"), "--set privacy.mode=local", "privacy.epsilon");
    // a sweep over the mode reaches local without an epsilon too
    Path modes = write("modes.conf", "sweep { privacy.mode = [none, local] }\n");
    assertMentions(loadFails(modes), "privacy.epsilon", "required");
  }

  @Test
  void anEpsilonOfNoneWrittenOutStillSwitchesLocalPrivacyOff() throws IOException {
    Path f = write("off.conf", "privacy { mode = local, epsilon = none }\n");
    assertFalse(only(load(f)).privacy().enabled());
    Path sweep = write("offsweep.conf", "privacy.mode = local\nsweep { privacy.epsilon = [1, none] }\n");
    List<RunSpec> runs = load(sweep).runs();
    assertTrue(runs.get(0).scenario().privacy().local());
    assertFalse(runs.get(1).scenario().privacy().enabled());
  }

  @Test
  void aTargetEpsilonWithoutAPrivacyModeIsRefused() throws IOException {
    Path f = write("target.conf", "rounds = 2\nprivacy.target-epsilon = 3\n");
    assertMentions(loadFails(f), "target.conf:2", "privacy.target-epsilon", "privacy.mode = none");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      rounds = 2.5                         | rounds                    | 2.5
      seed = 1.5                           | seed                      | 1.5
      dataset.seed = 0.5                   | dataset.seed              | 0.5
      model.batch-size = 32.5              | model.batch-size          | 32.5
      model.local-epochs = 0.5             | model.local-epochs        | 0.5
      model.hidden-layers = [8, 4.5]       | model.hidden-layers       | 4.5
      dataset.partition.clients = 8.5      | dataset.partition.clients | 8.5
      selection.min-participants = "2.5"   | selection.min-participants | 2.5
      round-policy.quorum = 1.5            | round-policy.quorum       | 1.5
      """)
  void anIntegerKeyRefusesANumberWithAFractionInsteadOfTruncatingIt(String line, String key, String got)
      throws IOException {
    Path f = write("frac.conf", "# integers only\n" + line + "\n");
    // "expected an integer >= 1, got 2.5" (a list: "expected a list of integers >= 1, got [8,4.5]")
    assertMentions(loadFails(f), "frac.conf:2", "'" + key + "'", "integer", ", got ", got);
  }

  @Test
  void aSeedOrANameOfTheWrongTypeIsAScenarioErrorNotACrash() throws IOException {
    Path f = write("types.conf", "rounds = 2\n");
    assertMentions(loadFails(f, "seed=abc"), "--set seed=abc", "'seed'", "expected an integer");
    assertMentions(loadFails(f, "name=[1]"), "--set name=[1]", "'name'", "expected a string");
  }

  @Test
  void anIntegerWrittenWithAZeroFractionIsThatInteger() throws IOException {
    Path f = write("whole.conf", "rounds = 3.0\nseed = 7.0\n");
    Scenario s = only(load(f));
    assertEquals(3, s.rounds());
    assertEquals(7, s.seed());
  }

  @Test
  void aFractionalEventRoundIsRefusedNamingTheEvent() throws IOException {
    Path f = write("event.conf", "events = [\n  { round = 1.5, site = WHITE, action = crash }\n]\n");
    assertMentions(loadFails(f), "'round'", "expected an integer", "got 1.5");
  }

  @Test
  void aMisspeltTimingSiteIsRefusedOnceTheSitesAreKnown() throws IOException {
    Path f = write("timing.conf", "rounds = 2\ntiming.sites.BLAKC.slowdown = 5\n");
    Scenario s = only(load(f));
    ScenarioException e = assertThrows(ScenarioException.class,
        () -> RunGuardian.checkSites(s, List.of("WHITE", "BLACK", "ASIAN")));
    assertMentions(e, "timing.conf:2", "timing.sites.BLAKC", "not a site of the dataset", "did you mean 'BLACK'",
        "[WHITE, BLACK, ASIAN]");
    Path good = write("timing-ok.conf", "timing.sites.BLACK.slowdown = 5\n");
    RunGuardian.checkSites(only(load(good)), List.of("WHITE", "BLACK", "ASIAN"));
    assertRoundTrips(load(good)); // where an override was written is not part of the settings
  }

  @Test
  void aQuorumNoRoundCanMeetIsRefusedAtRunStartNamingTheKeyTheSitesAndTheNumber() throws IOException {
    List<String> sites = List.of("A", "B", "C", "D", "E", "F", "G");
    Path f = write("quorum.conf", "round-policy.quorum = 10\n");
    ScenarioException e = assertThrows(ScenarioException.class, () -> RunGuardian.checkSites(only(load(f)), sites));
    assertMentions(e, "round-policy.quorum", "quorum = 10", "of the 7 sites [A, B, C, D, E, F, G]", "<= 7");
    // a round selects ceil(0.5 * 7) = 4: quorum 5 can never be met, quorum 4 can
    Path half = write("half.conf", "selection.fraction = 0.5\nround-policy.quorum = 5\n");
    assertMentions(assertThrows(ScenarioException.class, () -> RunGuardian.checkSites(only(load(half)), sites)),
        "round-policy.quorum <= 4");
    RunGuardian.checkSites(only(load(half, "round-policy.quorum=4")), sites);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      [hr, died]      | 'died' is the label column
      [hr, hospital]  | 'hospital' is the site column
      [hr, glucose, hr] | 'hr' twice
      """)
  void theLabelTheSiteOrARepeatedColumnIsNotAFeature(String features, String expected) throws IOException {
    Path f = write("feat.conf", "dataset { type = csv, csv { path = \"x.csv\", label = died, site = hospital\n"
        + "features = " + features + " } }\n");
    assertMentions(loadFails(f), "feat.conf:2", "'dataset.csv.features'", expected);
  }

  @Test
  void aMissingIncludeIsAnErrorNamingTheScenarioAndTheInclude() throws IOException {
    Path f = write("inc.conf", "include \"nope.conf\"\nrounds = 3\n");
    ScenarioException e = loadFails(f);
    assertMentions(e, "inc.conf", "include \"nope.conf\"", "file not found");
    assertFalse(e.getMessage().contains("classpath"), e.getMessage());
    Path outer = write("outer.conf", "include \"inc.conf\"\n");
    assertMentions(loadFails(outer), "outer.conf", "include \"nope.conf\" in \"inc.conf\"");
    write("base.conf", "rounds = 4\n");
    Path ok = write("ok.conf", "include \"base.conf\"\nseed = 2\n");
    assertEquals(4, only(load(ok)).rounds());
  }
}
