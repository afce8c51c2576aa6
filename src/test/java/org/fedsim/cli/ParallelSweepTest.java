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
import org.fedsim.metrics.Checkpoint;
import org.fedsim.metrics.ResultsWriter;
import org.fedsim.metrics.RunCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs of a sweep side by side: the same bytes as one at a time, and a killed sweep resumes without redoing finished
 * runs, the runs under way going on from their own checkpoints.
 */
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
    List<String> cmd = new ArrayList<>(List.of("run", "scenarios/seed-mimic.conf", "--out", killed.toString()));
    cmd.addAll(List.of(SWEEP));
    Process child = ChildFedsim.start(tmp.resolve("child.log"), "-Xmx1g", cmd.toArray(String[]::new));
    boolean seen;
    try {
      // the directory's checkpoint: written once a run is committed
      seen = ChildFedsim.await(child, Duration.ofMinutes(3), () -> KillAndResumeTest.roundOf(killed) > 0);
      assertTrue(child.isAlive(), () -> "the sweep finished before it could be killed");
      ChildFedsim.kill(child);
    } finally {
      child.destroyForcibly();
    }
    assertTrue(seen, "a checkpoint appeared");
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

  /** Two runs side by side, slow enough (10 local epochs, 60 rounds: seconds) to be killed while both are under way. */
  static final String[] PAIR = {"--set", "rounds=60", "--set", "model.engine=dense", "--set", "model.local-epochs=10",
      "--set", "dataset.synthetic.patients=6000", "--set", "sweep.seed=[1,2]", "--no-report", "--parallel", "2"};

  static String[] run(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("run", "scenarios/seed-mimic.conf", "--out", out.toString()));
    args.addAll(List.of(PAIR));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** The run checkpoints in {@code dir} of the sweep {@link #PAIR}. */
  static RunCheckpoints pairFiles(Path dir) {
    return new RunCheckpoints(dir, "seed-mimic", List.of("seed=1", "seed=2"));
  }

  /** The round of run {@code label}'s own checkpoint in {@code dir}; 0 when it has none yet. */
  static int roundOf(Path dir, String label) {
    try {
      Checkpoint c = pairFiles(dir).read(label);
      return c == null ? 0 : c.state().round();
    } catch (org.fedsim.scenario.ScenarioException beingMoved) {
      return 0;
    }
  }

  /**
   * Two runs side by side, SIGKILLed while both are under way (neither written to metrics.csv yet), each go on from
   * the last round of their own checkpoint (the resumed child's output says so, and shows no round 1), and the sweep
   * ends with an uninterrupted sweep's bytes. A corrupt run checkpoint is refused, naming the file and the way out;
   * taken, that run starts again and the sweep still ends with the same bytes.
   */
  @Test
  void runsKilledSideBySideGoOnFromTheirOwnLastRounds() throws Exception {
    Path killed = tmp.resolve("killed");
    Process child = ChildFedsim.start(tmp.resolve("child.log"), "-Xmx1g", run(killed, "-q"));
    try {
      ChildFedsim.await(child, Duration.ofMinutes(3), () -> roundOf(killed, "seed=1") >= 2 && roundOf(killed, "seed=2") >= 2);
      assertTrue(child.isAlive(), () -> "the sweep finished before it could be killed: " + readLog(tmp.resolve("child.log")));
      ChildFedsim.kill(child);
    } finally {
      child.destroyForcibly();
    }
    Map<String, Integer> at = new HashMap<>();
    for (String label : List.of("seed=1", "seed=2")) {
      int round = pairFiles(killed).read(label).state().round();
      assertTrue(round >= 2 && round < 60, () -> label + " was under way when killed: round " + round + "\n"
          + readLog(tmp.resolve("child.log")));
      at.put(label, round);
    }
    assertFalse(Files.exists(killed.resolve("metrics.csv")));
    assertFalse(Files.exists(killed.resolve(Checkpoint.FILE)), "no run was written to metrics.csv yet");

    // a run checkpoint that cannot be read: refused, saying which and how to redo that run instead
    Path corrupt = Files.createDirectories(tmp.resolve("corrupt").resolve(RunCheckpoints.DIR));
    for (String f : List.of("resolved.conf", "metrics.csv.partial")) Files.copy(killed.resolve(f), corrupt.resolveSibling(f));
    RunCheckpoints killedFiles = pairFiles(killed);
    RunCheckpoints corruptFiles = pairFiles(corrupt.getParent());
    for (String label : at.keySet()) {
      Files.copy(killedFiles.rowsFile(label), corruptFiles.rowsFile(label));
      Files.copy(killedFiles.checkpointFile(label), corruptFiles.checkpointFile(label));
    }
    Files.writeString(corruptFiles.checkpointFile("seed=2"), "{\"format\": 1, \"run\": ");
    StringWriter err = new StringWriter();
    assertEquals(ErrorHandler.BAD_INPUT, Main.commandLine().setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(err)).execute("run", "--resume", corrupt.getParent().toString(), "-q", "--no-report"));
    assertTrue(err.toString().contains("cannot read the checkpoint of run seed=2, " + corruptFiles.checkpointFile("seed=2"))
        && err.toString().contains("to redo run seed=2 from round 1, delete"), err::toString);

    // resumed in a child JVM too: its output (no -q) is what each run went on from
    Path log = tmp.resolve("resume.log");
    Process resume = ChildFedsim.start(log, "-Xmx1g", "run", "--resume", killed.toString(), "--parallel", "2",
        "--no-report");
    try {
      assertTrue(resume.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "the resume finished");
      assertEquals(0, resume.exitValue(), () -> "resume: " + readLog(log));
    } finally {
      resume.destroyForcibly();
    }
    String out = readLog(log);
    for (Map.Entry<String, Integer> e : at.entrySet()) {
      String run = "[" + e.getKey() + "] ";
      assertTrue(out.contains(run + "resuming after round " + e.getValue() + "\n"), out);
      assertTrue(out.contains(run + "round " + (e.getValue() + 1) + "/60 "), out);
      assertFalse(out.contains(run + "round 1/60 "), () -> e.getKey() + " started again from round 1: " + out);
    }

    Path whole = tmp.resolve("whole");
    fedsim(run(whole, "-q"));
    for (String f : List.of("metrics.csv", "fairness.csv")) {
      assertArrayEquals(Files.readAllBytes(whole.resolve(f)), Files.readAllBytes(killed.resolve(f)), f);
    }
    assertEquals(withoutWallTimes(whole.resolve("summary.json")), withoutWallTimes(killed.resolve("summary.json")));
    for (String left : List.of(Checkpoint.FILE, RunCheckpoints.DIR, "metrics.csv.partial")) {
      assertFalse(Files.exists(killed.resolve(left)), left + " is gone once the sweep is finished");
    }

    // the way out the refusal names: without seed=2's files that run starts again; seed=1 still goes on from its
    // round, one run at a time now (--parallel 1), and the bytes are the same
    Files.delete(corruptFiles.checkpointFile("seed=2"));
    Files.delete(corruptFiles.rowsFile("seed=2"));
    fedsim("run", "--resume", corrupt.getParent().toString(), "--parallel", "1", "-q", "--no-report");
    assertArrayEquals(Files.readAllBytes(whole.resolve("metrics.csv")),
        Files.readAllBytes(corrupt.resolveSibling("metrics.csv")));
  }

  /** A small sweep of two runs, 3 rounds each. */
  Path pairScenario() throws Exception {
    return Files.writeString(tmp.resolve("pair.conf"), String.join("\n", "rounds = 3", "model.engine = dense",
        "model.local-epochs = 1", "dataset.synthetic.patients = 6000", "sweep { seed = [1, 2] }"));
  }

  /**
   * A directory whose only checkpoint was a corrupt run checkpoint, deleted as the refusal said (left: resolved.conf,
   * metrics.csv.partial, an empty checkpoints/): a fresh run there is refused, pointing to --resume, and --resume
   * redoes every run from round 1 to an uninterrupted sweep's bytes.
   */
  @Test
  void withoutAnyCheckpointLeftResumeRedoesTheRunsFromRoundOne() throws Exception {
    Path scenario = pairScenario();
    Path whole = tmp.resolve("whole");
    fedsim("run", scenario.toString(), "--out", whole.toString(), "-q", "--no-report", "--parallel", "2");
    Path left = Files.createDirectories(tmp.resolve("left").resolve(RunCheckpoints.DIR)).getParent();
    Files.copy(whole.resolve("resolved.conf"), left.resolve("resolved.conf"));
    Files.writeString(left.resolve("metrics.csv.partial"), String.join(",", ResultsWriter.COLUMNS) + "\nseed=1,1");

    StringWriter err = new StringWriter();
    assertEquals(ErrorHandler.BAD_INPUT, Main.commandLine().setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(err)).execute("run", scenario.toString(), "--out", left.toString(), "-q"));
    assertTrue(err.toString().contains("output directory " + left + " already holds results (metrics.csv.partial)")
        && err.toString().contains("or go on with it: fedsim run --resume " + left), err::toString);

    fedsim("run", "--resume", left.toString(), "--parallel", "2", "-q", "--no-report");
    assertArrayEquals(Files.readAllBytes(whole.resolve("metrics.csv")), Files.readAllBytes(left.resolve("metrics.csv")));
    assertFalse(Files.exists(left.resolve(RunCheckpoints.DIR)));
  }

  /** A fresh run does not go into a directory holding an old sweep's run checkpoints (a later --resume would use them). */
  @Test
  void aFreshRunRefusesADirectoryWithOldRunCheckpoints() throws Exception {
    Path old = Files.createDirectories(tmp.resolve("old").resolve(RunCheckpoints.DIR)).getParent();
    Files.writeString(old.resolve(RunCheckpoints.DIR).resolve("001-seed=1.json"), "{}");
    StringWriter err = new StringWriter();
    assertEquals(ErrorHandler.BAD_INPUT, Main.commandLine().setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(err)).execute("run", pairScenario().toString(), "--out", old.toString(), "-q"));
    assertTrue(err.toString().contains("output directory " + old + " already holds results (checkpoints)"),
        err::toString);
    assertTrue(Files.exists(old.resolve(RunCheckpoints.DIR).resolve("001-seed=1.json")), "nothing was removed");
  }

  /** A checkpoint.json that cannot be read: one line naming it and the way out, not Jackson's whole message. */
  @Test
  void aCorruptCheckpointJsonIsRefusedInOneLineWithTheWayOut() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("bad"));
    Files.copy(pairScenario(), dir.resolve("resolved.conf"));
    Files.writeString(dir.resolve("metrics.csv.partial"), String.join(",", ResultsWriter.COLUMNS) + "\n");
    Files.writeString(dir.resolve(Checkpoint.FILE), "{\"format\": 1, \"run\": ");
    StringWriter err = new StringWriter();
    assertEquals(ErrorHandler.BAD_INPUT, Main.commandLine().setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(err)).execute("run", "--resume", dir.toString(), "-q", "--no-report"));
    String message = err.toString().strip();
    assertTrue(message.contains("cannot read " + dir.resolve(Checkpoint.FILE) + ": ")
        && message.endsWith("delete " + dir.resolve(Checkpoint.FILE) + " and run fedsim run --resume " + dir
            + " again"), message);
    assertEquals(1, message.lines().count(), message);
  }

  /**
   * A checkpoint.json that reads but does not add up (no state; another scenario's): refused with exit code 2, naming
   * the file, what is wrong and the way out, before anything runs.
   */
  @Test
  void anIncompleteOrForeignCheckpointJsonIsRefusedNamingTheFileAndTheWayOut() throws Exception {
    Map<String, String> faults = Map.of(
        "{\"format\": 1, \"scenario\": \"pair\", \"finished\": [], \"run\": \"seed=1\", \"metricsBytes\": 0}",
        ": the checkpoint has no state",
        "{\"format\": 1, \"scenario\": \"other\", \"finished\": [], \"run\": \"seed=1\", \"metricsBytes\": 0}",
        ": expected the checkpoint of scenario pair, it holds run seed=1 of scenario other");
    int k = 0;
    for (Map.Entry<String, String> fault : faults.entrySet()) {
      Path dir = Files.createDirectories(tmp.resolve("bad" + k++));
      Files.writeString(dir.resolve("resolved.conf"), Files.readString(pairScenario()) + "\nname = pair\n");
      Files.writeString(dir.resolve("metrics.csv.partial"), String.join(",", ResultsWriter.COLUMNS) + "\n");
      Files.writeString(dir.resolve(Checkpoint.FILE), fault.getKey());
      StringWriter err = new StringWriter();
      assertEquals(ErrorHandler.BAD_INPUT, Main.commandLine().setOut(new PrintWriter(new StringWriter()))
          .setErr(new PrintWriter(err)).execute("run", "--resume", dir.toString(), "-q", "--no-report"));
      String message = err.toString().strip();
      assertTrue(message.contains(dir.resolve(Checkpoint.FILE) + fault.getValue())
          && message.endsWith("delete " + dir.resolve(Checkpoint.FILE) + " and run fedsim run --resume " + dir
              + " again"), message);
      assertEquals(1, message.lines().count(), message);
      assertFalse(Files.exists(dir.resolve("metrics.csv")), "nothing ran");
    }
  }

  static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
