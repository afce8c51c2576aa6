package org.fedsim.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.scenario.ScenarioException;
import org.fedsim.server.RunEvent;

/**
 * The checkpoints of a sweep's runs side by side ({@code fedsim run --parallel N}), in {@code DIR/checkpoints/}: a run
 * under way writes its rows to {@code NAME.csv.partial} and, after every round, {@code NAME.json} (a {@link
 * Checkpoint} whose {@code metricsBytes} counts that rows file), atomically; NAME is the run's label made a safe file
 * name. When the run's turn in the sweep's order comes its rows are copied into {@code metrics.csv.partial}, the
 * directory's {@code checkpoint.json} lists it as finished, and its two files are removed. A resume cuts a run's
 * rows file back to its checkpoint and goes on from that round.
 */
public final class RunCheckpoints {
  public static final String DIR = "checkpoints";
  private static final String JSON = ".json";
  private static final String ROWS = ".csv.partial";

  private final Path dir;

  public RunCheckpoints(Path results) {
    this.dir = results.resolve(DIR);
  }

  /** Whether {@code results} holds something to resume from: checkpoint.json, or a run side by side's checkpoint. */
  public static boolean resumable(Path results) {
    return Files.exists(results.resolve(Checkpoint.FILE)) || anyIn(results);
  }

  /** Whether {@code results} holds the checkpoint of some run side by side. */
  public static boolean anyIn(Path results) {
    Path d = results.resolve(DIR);
    if (!Files.isDirectory(d)) return false;
    try (Stream<Path> files = Files.list(d)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith(JSON));
    } catch (IOException e) {
      return false;
    }
  }

  /** Removes {@code results/checkpoints} and everything in it (the sweep is finished). */
  public static void removeAll(Path results) throws IOException {
    Path d = results.resolve(DIR);
    if (!Files.isDirectory(d)) return;
    try (Stream<Path> files = Files.list(d)) {
      for (Path f : files.toList()) Files.deleteIfExists(f);
    }
    Files.deleteIfExists(d);
  }

  /** {@code label} as a file name: characters other than letters, digits and {@code .,=_-} become {@code _}. */
  static String name(String label) {
    String safe = label.replaceAll("[^A-Za-z0-9.,=_-]", "_");
    if (safe.isEmpty() || safe.startsWith(".")) safe = "_" + safe;
    // labels that differ only in replaced characters must not share a file
    return safe.equals(label) ? safe : safe + "-" + Integer.toHexString(label.hashCode());
  }

  public Path checkpointFile(String label) {
    return dir.resolve(name(label) + JSON);
  }

  public Path rowsFile(String label) {
    return dir.resolve(name(label) + ROWS);
  }

  /**
   * The checkpoint of run {@code label}, or null when it has none (it had not finished a round, or the sweep did not
   * run side by side). One that cannot be read, names another run or has lost rows is refused, saying how to redo
   * that run from its first round instead.
   */
  public Checkpoint read(String label) {
    Path file = checkpointFile(label);
    if (!Files.exists(file)) return null;
    String redo = "; to redo run " + label + " from round 1, delete " + file + " and " + rowsFile(label);
    Checkpoint c;
    try {
      c = Checkpoint.readFile(file);
    } catch (IOException e) {
      throw new ScenarioException("cannot read the checkpoint of run " + label + ", " + file + ": "
          + e.getMessage().lines().findFirst().orElse("") + redo, e);
    }
    if (!label.equals(c.run()) || c.state() == null) {
      throw new ScenarioException(file + ": expected the checkpoint of run " + label + ", it holds "
          + (c.state() == null ? "no server state" : "run " + c.run()) + redo);
    }
    try {
      long have = Files.exists(rowsFile(label)) ? Files.size(rowsFile(label)) : -1;
      if (have < c.metricsBytes()) {
        throw new ScenarioException(file + " says run " + label + " wrote " + c.metricsBytes() + " bytes of rows "
            + "by round " + c.state().round() + ", but " + rowsFile(label)
            + (have < 0 ? " is missing" : " holds " + have) + redo);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + rowsFile(label) + ": " + e.getMessage(), e);
    }
    return c;
  }

  /** Removes the files of run {@code label} (written into metrics.csv.partial, or stale). */
  public void remove(String label) {
    try {
      Files.deleteIfExists(checkpointFile(label));
      Files.deleteIfExists(rowsFile(label));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the checkpoint of run " + label + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts writing run {@code label}'s rows and checkpoints: from scratch, or after {@code from} (its rows file cut
   * back to the rounds that checkpoint holds).
   */
  public Writer open(String label, Checkpoint from) {
    Path rows = rowsFile(label);
    try {
      Files.createDirectories(dir);
      if (from == null) {
        Files.deleteIfExists(checkpointFile(label));
        return new Writer(label, Files.newBufferedWriter(rows, StandardCharsets.UTF_8));
      }
      try (FileChannel ch = FileChannel.open(rows, StandardOpenOption.WRITE)) {
        ch.truncate(from.metricsBytes());
      }
      return new Writer(label, Files.newBufferedWriter(rows, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + rows + ": " + e.getMessage(), e);
    }
  }

  /** One run's rows file (no header: its rows are copied under metrics.csv.partial's) and its checkpoint. */
  public final class Writer implements RunRows, AutoCloseable {
    private final String label;
    private final CSVPrinter csv;

    private Writer(String label, BufferedWriter out) throws IOException {
      this.label = label;
      this.csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get());
    }

    @Override
    public void round(String run, RunEvent.RoundCompleted r) {
      ResultsWriter.printRound(csv, run, r);
    }

    @Override
    public void external(String run, int round, List<ExperimentRunner.ExternalEvaluation> external) {
      ResultsWriter.printExternal(csv, run, round, external);
    }

    @Override
    public void checkpoint(String scenario, RunEvent.RoundCompleted round, String run,
        ResultsWriter.Participation participation, double wallSeconds) {
      try {
        csv.flush();
        new Checkpoint(Checkpoint.FORMAT, scenario, List.of(), run, round.state(), participation, wallSeconds,
            Files.size(rowsFile(label)), ResultsWriter.RunSummary.of(run, round, participation, wallSeconds),
            round.sites()).writeFile(checkpointFile(label));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + checkpointFile(label) + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        csv.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + rowsFile(label) + ": " + e.getMessage(), e);
      }
    }
  }
}
