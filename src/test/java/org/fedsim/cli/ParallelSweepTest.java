package org.fedsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fedsim.metrics.Checkpoint;
import org.fedsim.metrics.ResultsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs of a sweep side by side: the same bytes as one at a time, and a killed sweep resumes without redoing runs. */
class ParallelSweepTest {
  @TempDir Path tmp;

  static int fedsim(String... args) {
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err)).execute(args);
    assertEquals(0, code, err::toString);
    return code;
  }

  static JsonNode withoutWallTimes(Path summary) throws Exception {
    JsonNode root = new ObjectMapper().readTree(summary.toFile());
    for (JsonNode run : root.get("runs")) ((ObjectNode) run).remove("wall_seconds");
    return root;
  }

  @Test
  void twoRunsAtATimeWriteTheSameResultsAsOneAtATime() throws Exception {
    Path scenario = Files.writeString(tmp.resolve("p.conf"), String.join("\n",
        "rounds = 3", "model.engine = dense", "model.local-epochs = 1", "dataset.synthetic.patients = 6000",
        "privacy { mode = local }", "baselines = [local]", "dataset.external-sites = [NATIVE]",
        "sweep { privacy.epsilon = [50, none], seed = [1, 2] }"));
    Path one = tmp.resolve("one");
    Path two = tmp.resolve("two");
    fedsim("run", scenario.toString(), "--out", one.toString(), "-q", "--no-report", "--parallel", "1");
    fedsim("run", scenario.toString(), "--out", two.toString(), "-q", "--no-report", "--parallel", "2");
    for (String f : List.of("metrics.csv", "baselines.csv", "fairness.csv")) {
      assertArrayEquals(Files.readAllBytes(one.resolve(f)), Files.readAllBytes(two.resolve(f)), f);
    }
    assertEquals(withoutWallTimes(one.resolve("summary.json")), withoutWallTimes(two.resolve("summary.json")));
    JsonNode runs = new ObjectMapper().readTree(two.resolve("summary.json").toFile()).get("runs");
    assertEquals(4, runs.size());
    for (JsonNode run : runs) {
      JsonNode ext = run.get("external");
      assertEquals("NATIVE", ext.get(0).get("site").asText(), run::toString);
      assertTrue(ext.get(0).get("rows").asInt() > 0 && ext.get(0).get("accuracy").isNumber(), run::toString);
    }
  }

  static final String[] SWEEP = {"--set", "rounds=30", "--set", "model.engine=dense", "--set",
      "model.local-epochs=1", "--set", "dataset.synthetic.patients=6000", "--set", "sweep.seed=[1,2,3,4,5,6,7,8,9,10]",
      "-q", "--no-report", "--parallel", "2"};

  @Test
  void aKilledParallelSweepResumesToTheSameBytesWithoutRedoingFinishedRuns() throws Exception {
    Path killed = tmp.resolve("killed");
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), "-Xmx1g", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        "org.fedsim.cli.Main", "run", "scenarios/seed-mimic.conf", "--out", killed.toString()));
    cmd.addAll(List.of(SWEEP));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("child.log").toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process child = pb.start();
    Checkpoint seen = null;
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (seen == null && child.isAlive() && System.nanoTime() < deadline) {
        child.waitFor(50, TimeUnit.MILLISECONDS); // poll the child's checkpoint: written once a run is committed
        if (Files.exists(killed.resolve(Checkpoint.FILE))) {
          try {
            seen = Checkpoint.readFrom(killed);
          } catch (java.io.IOException partlyMoved) {
            seen = null;
          }
        }
      }
      assertTrue(child.isAlive(), () -> "the sweep finished before it could be killed");
      child.destroyForcibly(); // SIGKILL
      child.waitFor(30, TimeUnit.SECONDS);
    } finally {
      child.destroyForcibly();
    }
    assertTrue(seen != null, "a checkpoint appeared");
    // the runs the last checkpoint holds as finished: their wall times must survive the resume
    Checkpoint last = Checkpoint.readFrom(killed);
    Map<String, Double> committed = new HashMap<>();
    for (ResultsWriter.RunSummary s : last.finished()) committed.put(s.run(), s.wallSeconds());
    assertFalse(committed.isEmpty(), "the checkpoint lists the runs written");
    assertTrue(committed.size() < 10, "some runs were left to do");
    assertFalse(Files.exists(killed.resolve("metrics.csv")));

    fedsim("run", "--resume", killed.toString(), "--parallel", "2", "--no-report", "-q");
    Path whole = tmp.resolve("whole");
    List<String> args = new ArrayList<>(List.of("run", "scenarios/seed-mimic.conf", "--out", whole.toString()));
    args.addAll(List.of(SWEEP));
    fedsim(args.toArray(String[]::new));
    assertArrayEquals(Files.readAllBytes(whole.resolve("metrics.csv")), Files.readAllBytes(killed.resolve("metrics.csv")));
    JsonNode runs = new ObjectMapper().readTree(killed.resolve("summary.json").toFile()).get("runs");
    assertEquals(10, runs.size());
    for (JsonNode run : runs) {
      Double wall = committed.get(run.get("run").asText());
      if (wall != null) {
        assertEquals(Math.round(wall * 1000) / 1000.0, run.get("wall_seconds").asDouble(), 1e-9,
            "run " + run.get("run") + " was finished before the kill and is not run again");
      }
    }
  }
}
