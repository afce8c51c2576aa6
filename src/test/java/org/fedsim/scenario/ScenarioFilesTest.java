package org.fedsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.fedsim.data.MissingValues;
import org.fedsim.privacy.Calibration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The scenario files shipped in scenarios/ (Maven runs tests from the project root). */
class ScenarioFilesTest {
  static final Path SCENARIOS = Path.of("scenarios");

  static ScenarioLoader.Loaded load(String file) {
    return ScenarioLoader.load(SCENARIOS.resolve(file), List.of(), null);
  }

  static Stream<Path> scenarioFiles() throws IOException {
    try (Stream<Path> files = Files.list(SCENARIOS)) {
      List<Path> conf = files.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
      assertFalse(conf.isEmpty(), "no scenario files in " + SCENARIOS.toAbsolutePath());
      return conf.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarioFiles")
  void everyShippedScenarioLoads(Path file) {
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(file, List.of(), null);
    assertFalse(loaded.runs().isEmpty(), file.toString());
    assertFalse(loaded.name().isBlank(), file.toString());
  }

  /** What `fedsim run --resume` reads back: resolved.conf writes every key, defaults included. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarioFiles")
  void everyShippedScenariosResolvedConfLoadsBack(Path file, @TempDir Path dir) throws IOException {
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(file, List.of(), null);
    Path resolved = Files.writeString(dir.resolve("resolved.conf"), loaded.render());
    ScenarioLoader.Loaded again = ScenarioLoader.load(resolved, List.of(), null);
    assertEquals(loaded.name(), again.name());
    assertEquals(loaded.runs().stream().map(RunSpec::label).toList(), again.runs().stream().map(RunSpec::label).toList());
    assertEquals(loaded.render(), again.render());
  }

  @Test
  void seedMimicIsOneNonPrivateRunOf25Rounds() {
    ScenarioLoader.Loaded loaded = load("seed-mimic.conf");
    assertEquals("seed-mimic", loaded.name());
    assertEquals(1, loaded.runs().size());
    Scenario s = loaded.runs().get(0).scenario();
    assertEquals(25, s.rounds());
    assertEquals(1, s.seed());
    assertFalse(s.privacy().enabled());
    assertInstanceOf(DatasetSpec.Synthetic.class, s.dataset());
  }

  @Test
  void seedMimicEpsSweepIsNineEpsilonsTimesThreeSeeds() {
    ScenarioLoader.Loaded loaded = load("seed-mimic-eps-sweep.conf");
    assertEquals("seed-mimic-eps-sweep", loaded.name());
    assertEquals(27, loaded.runs().size());
    Set<String> combos = new HashSet<>();
    for (RunSpec run : loaded.runs()) {
      Scenario s = run.scenario();
      assertEquals(25, s.rounds(), run.label());
      assertInstanceOf(DatasetSpec.Synthetic.class, s.dataset(), run.label());
      String eps;
      if (s.privacy().enabled()) {
        assertEquals(1e-5, s.privacy().delta(), run.label());
        assertEquals(1.0, s.privacy().clippingNorm(), run.label());
        assertEquals(1.0, s.privacy().sensitivity(), run.label());
        assertEquals(Calibration.CLASSIC, s.privacy().calibration(), run.label());
        eps = String.valueOf(s.privacy().epsilon());
      } else {
        eps = "none";
      }
      assertTrue(run.label().startsWith("epsilon=") && run.label().endsWith(",seed=" + s.seed()), run.label());
      combos.add(eps + "/" + s.seed());
    }
    Set<String> expected = new HashSet<>();
    for (String eps : List.of("0.1", "0.5", "1.0", "2.0", "5.0", "10.0", "50.0", "100.0", "none")) {
      for (int seed = 1; seed <= 3; seed++) expected.add(eps + "/" + seed);
    }
    assertEquals(expected, combos);
  }

  @Test
  void physionetIsACsvOfFiveVitalsWithoutRespRate() {
    ScenarioLoader.Loaded loaded = load("physionet2012-icu.conf");
    assertEquals("physionet2012-icu", loaded.name());
    assertEquals(1, loaded.runs().size());
    DatasetSpec.Csv csv = assertInstanceOf(DatasetSpec.Csv.class, loaded.runs().get(0).scenario().dataset());
    assertEquals(Set.of("abp_diastolic", "abp_systolic", "glucose", "heart_rate", "temperature"),
        Set.copyOf(csv.settings().features()));
    assertEquals(5, csv.settings().features().size());
    assertFalse(csv.settings().features().contains("resp_rate"));
    assertEquals(MissingValues.DROP, csv.settings().missing());
    assertTrue(csv.settings().path().isAbsolute(), csv.settings().path().toString());
    assertEquals(Path.of("..", "shared", "data", "physionet-2012", "features-a.csv").toAbsolutePath().normalize(),
        csv.settings().path());
  }

  @Test
  void physionetPathPointsAtTheSharedData() {
    assumeTrue(Files.isDirectory(Path.of("..", "shared", "data")), "../shared/data is not here");
    ScenarioLoader.Loaded loaded = load("physionet2012-icu.conf");
    DatasetSpec.Csv csv = (DatasetSpec.Csv) loaded.runs().get(0).scenario().dataset();
    assertTrue(Files.isRegularFile(csv.settings().path()), () -> "no file at " + csv.settings().path());
  }
}
