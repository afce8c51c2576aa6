package org.fedsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A small dense sweep with baselines through the command line: baselines.csv, fairness.csv and summary.json. */
class BaselinesRunTest {
  @TempDir Path dir;

  int run(Path scenario, Path out, String... extra) {
    CommandLine cmd = Main.commandLine();
    StringWriter err = new StringWriter();
    cmd.setErr(new PrintWriter(err, true));
    List<String> args = new java.util.ArrayList<>(List.of("run", scenario.toString(), "--out", out.toString(), "-q"));
    args.addAll(List.of(extra));
    int code = cmd.execute(args.toArray(String[]::new));
    assertEquals(0, code, err::toString);
    return code;
  }

  static final String SCENARIO = String.join("\n",
      "rounds = 3", "model.engine = dense", "model.local-epochs = 2", "dataset.synthetic.patients = 6000",
      "dataset.partition { type = iid, clients = 4 }", "baselines = [local, centralized]",
      "sweep { baseline-evaluation = [own, pooled] }");

  @Test
  void baselinesAreScoredPerSiteAndSummarisedAsTableOne() throws Exception {
    Path scenario = Files.writeString(dir.resolve("b.conf"), SCENARIO);
    Path out = dir.resolve("out");
    run(scenario, out);
    List<String> rows = Files.readAllLines(out.resolve("baselines.csv"));
    assertEquals("run,method,site,n_train,n_val,accuracy,auc,loss", rows.get(0));
    List<String[]> own = rows.stream().skip(1).map(l -> l.split(",", -1))
        .filter(f -> f[0].equals("baseline-evaluation=own")).toList();
    assertEquals(12, own.size(), "4 clients x local, federated, centralized");
    int total = 0;
    for (String[] f : own) if (f[1].equals("local")) total += Integer.parseInt(f[3]);
    for (String[] f : own) {
      if (f[1].equals("centralized")) assertEquals(total, Integer.parseInt(f[3]), "centralized trains on every row");
    }
    List<String[]> pooled = rows.stream().skip(1).map(l -> l.split(",", -1))
        .filter(f -> f[0].equals("baseline-evaluation=pooled")).toList();
    assertEquals(6, pooled.size(), "4 local models, one federated and one centralized row");
    int nVal = own.stream().filter(f -> f[1].equals("local")).mapToInt(f -> Integer.parseInt(f[4])).sum();
    for (String[] f : pooled) assertEquals(nVal, Integer.parseInt(f[4]), "every model on all validation rows");

    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    JsonNode first = summary.get("runs").get(0);
    for (String m : new String[] {"local", "federated", "centralized"}) {
      JsonNode b = first.get("baselines").get(m);
      assertTrue(b.get("mean_accuracy").asDouble() > 0.4, m + ": " + b);
      assertTrue(b.get("sd_accuracy").asDouble() >= 0, m + ": " + b);
    }
    // the federated line of the own-rows table is the run's last round
    JsonNode second = summary.get("runs").get(1);
    assertEquals(second.get("final_weighted_accuracy").asDouble(),
        second.get("baselines").get("federated").get("mean_accuracy").asDouble(), 1e-6,
        "pooled: the federated model on all validation rows = the weighted accuracy of the last round");
    assertTrue(first.has("fairness") && first.get("fairness").has("flagged_sites"), first::toString);
    List<String> fairness = Files.readAllLines(out.resolve("fairness.csv"));
    assertEquals(1 + 2 * 3, fairness.size(), "one row per run and round");

    Path again = dir.resolve("again");
    run(scenario, again);
    assertEquals(Files.readString(out.resolve("baselines.csv")), Files.readString(again.resolve("baselines.csv")),
        "baselines are seeded");
  }

  @Test
  void withLocalStepsTheCentralizedBaselineGetsTheSameStepsAsTheFederatedRun() throws Exception {
    String base = String.join("\n", "rounds = 2", "model.engine = dense", "dataset.synthetic.patients = 6000",
        "dataset.partition { type = iid, clients = 4 }", "baselines = [centralized]");
    Path passes = dir.resolve("passes");
    run(Files.writeString(dir.resolve("p.conf"), base + "\nmodel.local-epochs = 3"), passes);
    String[] central = centralized(passes);
    int n = Integer.parseInt(central[3]);
    int perPass = (n + 31) / 32;
    // 3 passes over the pooled rows a round = 3 * perPass steps a round: the same training, step for step
    Path steps = dir.resolve("steps");
    run(Files.writeString(dir.resolve("s.conf"), base + "\nmodel.local-steps = " + (3 * perPass)), steps);
    assertEquals(String.join(",", central), String.join(",", centralized(steps)));
  }

  /**
   * A run killed after its last round's checkpoint, while its baselines were being computed (before its summary):
   * the resumed directory has the uninterrupted run's baselines.csv and the baselines in summary.json.
   */
  @Test
  void aRunKilledAfterItsLastRoundKeepsItsBaselinesOnResume() throws Exception {
    Path scenario = Files.writeString(dir.resolve("k.conf"), String.join("\n", "rounds = 3", "model.engine = dense",
        "model.local-epochs = 2", "dataset.synthetic.patients = 6000", "dataset.partition { type = iid, clients = 4 }",
        "baselines = [local, centralized]"));
    Path whole = dir.resolve("whole");
    run(scenario, whole, "--no-report");

    Path killed = dir.resolve("killed");
    RunCommand command = new RunCommand();
    command.afterRound = round -> { // after the last round's checkpoint: as if killed while the baselines trained
      if (round.round() == 3) throw new IllegalStateException("killed after round 3");
    };
    CommandLine cli = new CommandLine(command);
    cli.setErr(new PrintWriter(new StringWriter(), true));
    assertTrue(cli.execute(scenario.toString(), "--out", killed.toString(), "-q", "--no-report") != 0);
    assertTrue(Files.exists(killed.resolve(org.fedsim.metrics.Checkpoint.FILE)), "the run stopped with a checkpoint");
    assertEquals(3, org.fedsim.metrics.Checkpoint.readFrom(killed).state().round());
    assertTrue(!Files.exists(killed.resolve("baselines.csv")), "and no baselines written yet");

    CommandLine resume = Main.commandLine();
    StringWriter err = new StringWriter();
    resume.setErr(new PrintWriter(err, true));
    assertEquals(0, resume.execute("run", "--resume", killed.toString(), "-q", "--no-report"), err::toString);
    assertEquals(Files.readString(whole.resolve("baselines.csv")), Files.readString(killed.resolve("baselines.csv")));
    assertEquals(Files.readString(whole.resolve("metrics.csv")), Files.readString(killed.resolve("metrics.csv")));
    JsonNode baselines = new ObjectMapper().readTree(killed.resolve("summary.json").toFile()).get("runs").get(0)
        .get("baselines");
    assertEquals(new ObjectMapper().readTree(whole.resolve("summary.json").toFile()).get("runs").get(0)
        .get("baselines"), baselines);
  }

  static String[] centralized(Path out) throws Exception {
    return Files.readAllLines(out.resolve("baselines.csv")).stream().map(l -> l.split(",", -1))
        .filter(f -> f[1].equals("centralized")).findFirst().orElseThrow();
  }

  /**
   * scenarios/seed003-clients.conf (seed 003's Table 1 and Figure 4): at 4, 8, 16 and 32 clients, IID and
   * Dirichlet(0.5), FL beats the local-only mean and centralized is at least FL - 0.02 (one shared test set).
   */
  @Test
  void seed003FederatedBeatsLocalOnlyAtEverySizeAndSplitAndCentralizedIsNotBelowItByMoreThanTwoPoints()
      throws Exception {
    Path out = dir.resolve("seed003");
    run(Path.of("scenarios/seed003-clients.conf"), out, "--no-report");
    JsonNode runs = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("runs");
    assertEquals(8, runs.size());
    for (JsonNode r : runs) {
      JsonNode b = r.get("baselines");
      double local = b.get("local").get("mean_accuracy").asDouble();
      double fl = b.get("federated").get("mean_accuracy").asDouble();
      double central = b.get("centralized").get("mean_accuracy").asDouble();
      String what = r.get("run").asText() + ": local " + local + ", FL " + fl + ", centralized " + central;
      assertTrue(fl > local, what);
      assertTrue(central >= fl - 0.02, what);
    }
  }
}
