package org.fedsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code fedsim run} command line, driven in-process; none of these cases trains a model. */
class RunCommandTest extends InProcessCli {
  @TempDir Path dir;


  Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  void assertErrMentions(String... parts) {
    for (String p : parts) assertTrue(err.toString().contains(p), () -> "'" + p + "' not in stderr: " + err);
  }

  void assertOneLine(String text) {
    assertEquals(1, text.strip().lines().count(), () -> "expected one line, got:\n" + text);
  }

  @Test
  void negativeParallelOrThreadsExit2BeforeAnythingIsWritten() throws IOException {
    Path scenario = write("s.conf", "rounds = 1");
    Path out = dir.resolve("out");
    assertEquals(2, execute("run", scenario.toString(), "--out", out.toString(), "--parallel", "-1"));
    assertTrue(err.toString().contains("--parallel must be >= 0 (0 = one run per core), got -1"), err::toString);
    assertEquals(2, execute("run", scenario.toString(), "--out", out.toString(), "--threads", "-3"));
    assertTrue(err.toString().contains("--threads must be >= 0 (0 = one per core), got -3"), err::toString);
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void runHelpExitsZeroAndDocumentsTheOptions() {
    assertEquals(0, execute("run", "--help"));
    String help = out.toString();
    for (String option : new String[] {"SCENARIO", "--set", "--out", "--seed", "--threads", "--quiet"}) {
      assertTrue(help.contains(option), () -> option + " not in help:\n" + help);
    }
    assertEquals("", err.toString());
  }

  @Test
  void missingScenarioFileExits2WithOneLineNamingThePath() {
    Path missing = dir.resolve("no-such.conf");
    Path outDir = dir.resolve("out");
    assertEquals(ErrorHandler.BAD_INPUT, execute("run", missing.toString(), "--out", outDir.toString()));
    assertOneLine(err.toString());
    assertErrMentions("fedsim:", missing.toString());
    assertFalse(err.toString().contains("Exception"), err::toString);
    assertFalse(Files.exists(outDir), "output directory created for a failed load");
  }

  @Test
  void unknownKeyExits2NamingTheKeyAndTheSuggestionAndCreatesNoOutput() throws IOException {
    Path f = write("typo.conf", "rounds = 2\nprivacy.epsilom = 1\n");
    Path outDir = dir.resolve("results/typo");
    assertEquals(ErrorHandler.BAD_INPUT, execute("run", f.toString(), "--out", outDir.toString()));
    assertOneLine(err.toString());
    assertErrMentions("typo.conf:2", "privacy.epsilom", "did you mean 'privacy.epsilon'");
    assertFalse(err.toString().contains("at org."), () -> "stack trace printed for bad input:\n" + err);
    assertFalse(Files.exists(outDir), "output directory created for a failed load");
    assertFalse(Files.exists(dir.resolve("results")), "output parent created for a failed load");
  }

  @Test
  void badSetExits2NamingIt() throws IOException {
    Path f = write("ok.conf", "rounds = 2\n");
    Path outDir = dir.resolve("out");
    assertEquals(ErrorHandler.BAD_INPUT, execute("run", f.toString(), "--set", "rounds", "--out", outDir.toString()));
    assertErrMentions("--set", "rounds");
    assertFalse(Files.exists(outDir));
  }

  @Test
  void badValueExits2NamingKeyAndLine() throws IOException {
    Path f = write("zero.conf", "# no rounds\nrounds = 0\n");
    Path outDir = dir.resolve("out");
    assertEquals(ErrorHandler.BAD_INPUT, execute("run", f.toString(), "--out", outDir.toString()));
    assertOneLine(err.toString());
    assertErrMentions("zero.conf:2", "'rounds'", ">= 1");
    assertFalse(Files.exists(outDir));
  }

  @Test
  void unknownFlagIsAUsageErrorWithExitCode2() throws IOException {
    Path f = write("ok.conf", "rounds = 2\n");
    Path outDir = dir.resolve("out");
    int code = execute("run", f.toString(), "--bogus", "--out", outDir.toString());
    // picocli's default exit code for invalid input (CommandLine.ExitCode.USAGE) is 2, the same as ours for bad input
    assertEquals(CommandLine.ExitCode.USAGE, code);
    assertEquals(ErrorHandler.BAD_INPUT, code);
    assertErrMentions("--bogus");
    assertFalse(Files.exists(outDir));
  }

  @Test
  void missingScenarioArgumentIsAUsageError() {
    assertEquals(CommandLine.ExitCode.USAGE, execute("run"));
    assertErrMentions("SCENARIO");
  }

  @Test
  void noCommandIsAUsageError() {
    assertEquals(CommandLine.ExitCode.USAGE, execute());
    assertErrMentions("missing command");
  }
}
