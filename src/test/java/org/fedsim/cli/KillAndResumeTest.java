package org.fedsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fedsim.metrics.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL in a real child JVM, then resumed, ends with the same metrics.csv, byte for byte, as an
 * uninterrupted run (virtual clock); while the child runs, its directory is locked against a resume.
 */
class KillAndResumeTest {
  static final String[] SCENARIO = {"scenarios/stragglers.conf", "--set", "rounds=8", "-q"};

  static int fedsim(String... args) {
    return Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(new StringWriter()))
        .execute(args);
  }

  static String[] with(String[] base, String... more) {
    List<String> all = new ArrayList<>(List.of(base));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void aRunKilledMidwayAndResumedWritesTheSameMetricsAsAnUninterruptedOne(@TempDir Path tmp) throws Exception {
    Path killed = tmp.resolve("killed");
    Process child = ChildFedsim.start(tmp.resolve("child.log"), "-Xmx2g", with(new String[] {"run"},
        with(SCENARIO, "--out", killed.toString())));
    try {
      ChildFedsim.await(child, Duration.ofMinutes(3), () -> roundOf(killed) >= 2);
      assertTrue(child.isAlive(), "the child finished before it could be killed: " + Files.readString(tmp.resolve("child.log")));
      // a resume while the run still goes would write into its files: the directory is locked by the child JVM
      StringWriter busy = new StringWriter();
      assertEquals(ErrorHandler.BAD_INPUT, Main.commandLine().setOut(new PrintWriter(new StringWriter()))
          .setErr(new PrintWriter(busy)).execute("run", "--resume", killed.toString()));
      assertTrue(busy.toString().contains("is in use by another fedsim (pid " + child.pid() + ")"), busy::toString);
      ChildFedsim.kill(child);
    } finally {
      child.destroyForcibly();
    }
    assertFalse(Files.exists(killed.resolve("metrics.csv")), "a killed run leaves no final metrics.csv");
    assertTrue(Files.exists(killed.resolve("metrics.csv.partial")));

    assertEquals(0, fedsim("run", "--resume", killed.toString()));
    Path whole = tmp.resolve("whole");
    assertEquals(0, fedsim(with(new String[] {"run"}, with(SCENARIO, "--out", whole.toString()))));
    assertArrayEquals(Files.readAllBytes(whole.resolve("metrics.csv")), Files.readAllBytes(killed.resolve("metrics.csv")));
    assertFalse(Files.exists(killed.resolve(Checkpoint.FILE)), "the checkpoint goes once the run is finished");
    assertFalse(Files.exists(killed.resolve("metrics.csv.partial")));
  }

  /** The round of DIR's checkpoint.json; 0 when there is none yet (or it is being moved into place). */
  static int roundOf(Path dir) {
    try {
      return Files.exists(dir.resolve(Checkpoint.FILE)) ? Checkpoint.readFrom(dir).state().round() : 0;
    } catch (java.io.IOException partlyMoved) {
      return 0;
    }
  }

  @Test
  void resumeRefusesAFinishedRunAndADirectoryWithoutACheckpoint(@TempDir Path tmp) throws Exception {
    Files.createDirectories(tmp.resolve("empty"));
    assertEquals(ErrorHandler.BAD_INPUT, fedsim("run", "--resume", tmp.resolve("empty").toString()));
    Files.createDirectories(tmp.resolve("done"));
    Files.writeString(tmp.resolve("done/metrics.csv"), "run,round\n");
    assertEquals(ErrorHandler.BAD_INPUT, fedsim("run", "--resume", tmp.resolve("done").toString()));
    assertEquals(ErrorHandler.BAD_INPUT, fedsim("run", "scenarios/seed-mimic.conf", "--resume", tmp.toString()));
  }
}
