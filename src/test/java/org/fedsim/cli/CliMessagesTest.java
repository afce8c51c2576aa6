package org.fedsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The messages of the CLI QA pass: each bad input is one line (two for a bad flag) that says what is wrong. */
class CliMessagesTest extends InProcessCli {
  @TempDir Path dir;

  /** Exit 2, one line: "fedsim: " + a message holding {@code expected}, no stack trace. */
  void refused(String expected, String... args) {
    err.getBuffer().setLength(0);
    assertEquals(ErrorHandler.BAD_INPUT, execute(args), err::toString);
    List<String> lines = err.toString().strip().lines().toList();
    assertEquals(1, lines.size(), err::toString);
    assertTrue(lines.get(0).startsWith("fedsim: ") && lines.get(0).contains(expected),
        () -> "expected '" + expected + "' in: " + err);
  }

  @Test
  void resumeOfADirectoryThatDoesNotExistSaysSo() throws IOException {
    Path none = dir.resolve("none");
    refused("--resume " + none + ": the directory does not exist", "run", "--resume", none.toString());
    assertFalse(err.toString().contains("nothing to resume"), err::toString);
    Path file = Files.writeString(dir.resolve("afile"), "x");
    refused("--resume " + file + ": is a file, expected the output directory of a stopped run",
        "run", "--resume", file.toString());
  }

  @Test
  void aScenarioThatIsADirectoryIsNamedAsOne() {
    refused("scenario " + dir + " is a directory: expected a scenario file", "run", dir.toString());
    assertFalse(err.toString().contains("not found"), err::toString);
  }

  @Test
  void etlOutputsThatAreFilesOrUnderFilesSayWhatIsWrong() throws IOException {
    Path file = Files.writeString(dir.resolve("afile"), "x");
    refused("--out " + file + ": exists and is not a directory",
        "etl", "make-chartevents", "--demo", EtlCommandTest.DEMO, "--out", file.toString());
    Path under = file.resolve("c.csv");
    refused("--out " + under + ": its parent directory " + file + ": exists and is not a directory",
        "etl", "mimic-iv", "--root", EtlCommandTest.DEMO, "--out", under.toString());
    refused("--out " + dir + " is a directory: expected the cohort CSV file to write",
        "etl", "mimic-iv", "--root", EtlCommandTest.DEMO, "--out", dir.toString());
    assertEquals(List.of("afile"), Files.list(dir).map(p -> p.getFileName().toString()).toList(), "nothing written");
  }

  @Test
  void aSeedWithoutBalanceAndAScenarioNameThatIsAPathAreRefused() {
    refused("--seed 7 seeds --balance, which is not given", "etl", "mimic-iv", "--root", EtlCommandTest.DEMO,
        "--out", dir.resolve("c.csv").toString(), "--seed", "7");
    refused("key 'name': expected a name of letters, digits, '.', '_' and '-' (it names the results directory), "
        + "got '../../elsewhere'", "run", "scenarios/seed-mimic.conf", "--set", "name=\"../../elsewhere\"");
    assertFalse(Files.exists(dir.resolve("c.csv")));
  }

  @Test
  void badFlagsOfEveryCommandAreOneLineAndAPointerToItsHelp() {
    String[][] cases = {
        {"run", "--seed", "abc"}, {"run", "--rounds", "3"}, {"node", "--bogus"}, {"node", "--role"},
        {"bench", "--rounds", "x"}, {"etl", "mimic-iv", "--out", "c.csv"}, {"etl", "bench", "--root"},
        {"report", "a", "b"}, {"certs", "--nodes"}, {"cluster-demo", "--kill-at-round", "two"}, {"--bogus"}};
    String[] names = {"fedsim run", "fedsim run", "fedsim node", "fedsim node", "fedsim bench",
        "fedsim etl mimic-iv", "fedsim etl bench", "fedsim report", "fedsim certs", "fedsim cluster-demo", "fedsim"};
    for (int i = 0; i < cases.length; i++) {
      err.getBuffer().setLength(0);
      out.getBuffer().setLength(0);
      String what = String.join(" ", cases[i]);
      assertEquals(ErrorHandler.BAD_INPUT, execute(cases[i]), what);
      List<String> lines = err.toString().strip().lines().toList();
      assertEquals(2, lines.size(), what + ":\n" + err);
      assertTrue(lines.get(0).startsWith("fedsim: "), what + ": " + lines);
      assertEquals("try '" + names[i] + " --help'", lines.get(1), what);
      assertEquals("", out.toString(), what + ": no usage");
    }
    err.getBuffer().setLength(0);
    execute("run", "--seed", "abc");
    assertTrue(err.toString().startsWith("fedsim: Invalid value for option '--seed': 'abc' is not a long"), err::toString);
    err.getBuffer().setLength(0);
    execute("run", "--rounds", "3");
    assertTrue(err.toString().startsWith("fedsim: Unknown option"), err::toString);
    assertTrue(err.toString().contains("(rounds is a scenario key: --set rounds="), err::toString);
  }

  /** Every command and subcommand, the top one included. */
  private static List<CommandLine> commands(CommandLine c) {
    List<CommandLine> all = new ArrayList<>(List.of(c));
    for (CommandLine sub : c.getSubcommands().values()) {
      if (!all.contains(sub)) all.addAll(commands(sub));
    }
    return all;
  }

  @Test
  void helpFooterLinesAreNeverWrappedAndEveryCommandSummaryIsASentence() {
    List<CommandLine> all = commands(Main.commandLine());
    assertTrue(all.size() >= 12, "run ... etl bench: " + all.size());
    for (CommandLine c : all) {
      String name = c.getCommandSpec().qualifiedName();
      List<String> usage = c.getUsageMessage().lines().toList();
      for (String line : c.getCommandSpec().usageMessage().footer()) {
        // picocli wraps a longer line at the usage width: a copied example would break at the wrap
        assertTrue(usage.contains(line), name + ": footer line wrapped in --help: '" + line + "'");
      }
      String[] description = c.getCommandSpec().usageMessage().description();
      if (description.length > 0) { // the first paragraph is the summary under 'fedsim --help'
        assertTrue(description[0].strip().endsWith("."), name + ": summary is not a sentence: " + description[0]);
      }
    }
  }
}
