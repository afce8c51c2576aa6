package org.fedsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where results go: bad paths and bad settings are refused before anything is written; a directory in use is locked. */
class OutputDirectoryTest extends InProcessCli {
  @TempDir Path tmp;

  void refused(String expected, String... args) {
    err.getBuffer().setLength(0);
    assertEquals(ErrorHandler.BAD_INPUT, execute(args), err.toString());
    assertTrue(err.toString().contains(expected), "expected '" + expected + "' in: " + err);
    assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
  }

  @Test
  void anOutputPathThatIsAFileIsRefusedBeforeAnyWork() throws Exception {
    Path file = Files.writeString(tmp.resolve("afile"), "x");
    refused("--out " + file + ": exists and is not a directory",
        "run", "scenarios/seed-mimic.conf", "--set", "model.engine=dense", "--out", file.toString(), "-q");
    refused("cannot be made, " + file + " is not a directory",
        "run", "scenarios/seed-mimic.conf", "--set", "model.engine=dense", "--out", file.resolve("sub").toString());
    refused("--out " + file + ": exists and is not a directory", "certs", "--out", file.toString(), "--nodes", "h1");
    refused("--dir " + file + ": exists and is not a directory", "cluster-demo", "--dir", file.toString());
    assertEquals("x", Files.readString(file), "the file is untouched");
  }

  @Test
  void aSweepWithABadCombinationIsRefusedBeforeItsFirstRunWritesAnything() throws Exception {
    Path scenario = Files.writeString(tmp.resolve("krum.conf"), String.join("\n", "include \"seed-mimic.conf\"",
        "model.engine = dense", "rounds = 2", "strategy.name = krum", "sweep { strategy.krum.f = [1, 2, 3] }"));
    Files.copy(Path.of("scenarios/seed-mimic.conf"), tmp.resolve("seed-mimic.conf"));
    Path out = tmp.resolve("out");
    refused("run f=3: key 'strategy.krum.f'", "run", scenario.toString(), "--out", out.toString(), "-q");
    assertFalse(Files.exists(out), "no directory left behind");
    refused("key 'attacks': site 'ASAIN'", "run", "scenarios/seed-mimic.conf", "--set", "model.engine=dense",
        "--set", "attacks=[{site=ASAIN,from-round=1,behaviour=free-ride}]", "--out", out.toString(), "-q");
    assertFalse(Files.exists(out), "no directory left behind");
  }

  @Test
  void aDirectoryInUseIsNotWrittenByAnotherCommand() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("busy"));
    try (OutputDirectory held = OutputDirectory.lock(dir, "--out")) {
      refused(dir + " is in use by another fedsim (pid " + ProcessHandle.current().pid() + ")",
          "run", "scenarios/seed-mimic.conf", "--set", "model.engine=dense", "--out", dir.toString(), "-q");
      refused("is in use by another fedsim", "report", dir.toString());
    }
    try (OutputDirectory again = OutputDirectory.lock(dir, "--out")) { // released: the next one takes it
      assertTrue(Files.exists(dir.resolve(OutputDirectory.LOCK_FILE)));
    }
  }
}
