package org.fedsim.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.fedsim.scenario.ExperimentRunner;
import org.fedsim.server.RunEvent;

/**
 * The checkpoints of a sweep's runs side by side ({@code fedsim run --parallel N}), in {@code DIR/checkpoints/}: a run
 * under way writes its rows to {@code NAME.csv.partial} and, after every round, {@code NAME.json} (a {@link
 * Checkpoint} whose {@code metricsBytes} counts that rows file), atomically; NAME is the run's position in the sweep
 * and the start of its label ({@link #name(int, String)}). When the run's turn in the sweep's order comes its rows are
 * copied into {@code metrics.csv.partial}, the directory's {@code checkpoint.json} lists it as finished, and its two files are removed. A resume cuts a run's
 * rows file back to its checkpoint and goes on from that round.
 */
public final class RunCheckpoints {
  public static final String DIR = "checkpoints";
  private static final String JSON = ".json";
  private static final String ROWS = ".csv.partial";
  /** Characters of a label kept in its file names (after its position in the sweep). */
  static final int LABEL_CHARS = 60;

  private final Path dir;
  private final String scenario;
  private final List<String> labels;

  /**
   * The run checkpoints in {@code results} of scenario {@code scenario}, whose sweep runs {@code labels} in this
   * order (a run's files are named by its position in it).
   */
  public RunCheckpoints(Path results, String scenario, List<String> labels) {
    this.dir = results.resolve(DIR);
    this.scenario = scenario;
    this.labels = List.copyOf(labels);
  }

  /**
   * Whether {@code results} holds a stopped run {@code fedsim run --resume} can go on with: its resolved.conf and
   * something it wrote (metrics.csv.partial, checkpoint.json or checkpoints/), no metrics.csv. What has no checkpoint
   * starts at round 1.
   */
  public static boolean canResume(Path results) {
    return !Files.exists(results.resolve("metrics.csv")) && Files.exists(results.resolve("resolved.conf"))
        && Stream.of("metrics.csv.partial", Checkpoint.FILE, DIR).anyMatch(f -> Files.exists(results.resolve(f)));
  }

  /**
   * Whether {@code results} holds a finished round to go on from: checkpoint.json, or a run side by side's checkpoint
   * (when checkpoints/ cannot be listed, true: better kept than lost).
   */
  public static boolean holdsRound(Path results) {
    return Files.exists(results.resolve(Checkpoint.FILE)) || anyIn(results);
  }

  private static boolean anyIn(Path results) {
    Path d = results.resolve(DIR);
    if (!Files.isDirectory(d)) return false;
    try (Stream<Path> files = Files.list(d)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith(JSON));
    } catch (IOException e) {
      return true;
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

  /**
   * The file name (without extension) of the run at {@code position} (from 1) in the sweep, labelled {@code label}:
   * the position in three digits, {@code -}, then the label's first {@value #LABEL_CHARS} characters with those other
   * than letters, digits and {@code .,=_-} made {@code _} (the position alone tells runs apart; the label is for
   * people).
   */
  static String name(int position, String label) {
    String safe = label.replaceAll("[^A-Za-z0-9.,=_-]", "_");
    return String.format(java.util.Locale.ROOT, "%03d-%s", position, safe.substring(0, Math.min(LABEL_CHARS,
        safe.length())));
  }

  private String name(String label) {
    int i = labels.indexOf(label);
    if (i < 0) throw new IllegalArgumentException("run " + label + " is not in the sweep " + labels);
    return name(i + 1, label);
  }

  public Path checkpointFile(String label) {
    return dir.resolve(name(label) + JSON);
  }

  public Path rowsFile(String label) {
    return dir.resolve(name(label) + ROWS);
  }

  /**
   * The checkpoint of run {@code label}, or null when it has none (it had not finished a round, or the sweep did not
   * run side by side). One that cannot be read, is incomplete, names another run or scenario, or has lost rows is
   * refused, saying how to redo that run from its first round instead. Nothing is changed.
   */
  public Checkpoint read(String label) {
    Path file = checkpointFile(label);
    if (!Files.exists(file)) return null;
    String redo = redo(label);
    Checkpoint c = Checkpoint.readFile(file, scenario, label, "the checkpoint of run " + label + ", ", redo);
    ResultsWriter.checkRows(rowsFile(label), c.metricsBytes(), file, redo);
    return c;
  }

  /**
   * The checkpoint run {@code label} goes on from ({@link #read}), its rows file cut back to the rounds it holds (what
   * {@link #open} then appends to); null when it has none.
   */
  public Checkpoint resume(String label) {
    Checkpoint c = read(label);
    if (c == null) return null;
    try {
      ResultsWriter.cutBack(rowsFile(label), c.metricsBytes(), checkpointFile(label), redo(label));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + rowsFile(label) + ": " + e.getMessage(), e);
    }
    return c;
  }

  private String redo(String label) {
    return "; to redo run " + label + " from round 1, delete " + checkpointFile(label) + " and " + rowsFile(label);
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
   * Starts writing run {@code label}'s rows and checkpoints: from scratch, or after {@code from} (what {@link #resume}
   * gave, its rows file already cut back to it: the rows are appended).
   */
  public Writer open(String label, Checkpoint from) {
    Path rows = rowsFile(label);
    Path json = checkpointFile(label);
    try {
      Files.createDirectories(dir);
      if (from == null) {
        Files.deleteIfExists(json);
        return new Writer(rows, json, Files.newBufferedWriter(rows, StandardCharsets.UTF_8));
      }
      return new Writer(rows, json, Files.newBufferedWriter(rows, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + rows + ": " + e.getMessage(), e);
    }
  }

  /** One run's rows file (no header: its rows are copied under metrics.csv.partial's) and its checkpoint. */
  public static final class Writer implements RunRows, AutoCloseable {
    private final Path rows;
    private final Path json;
    private final CSVPrinter csv;

    private Writer(Path rows, Path json, BufferedWriter out) throws IOException {
      this.rows = rows;
      this.json = json;
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
        Checkpoint.after(scenario, List.of(), run, round, participation, wallSeconds, Files.size(rows))
            .writeFile(json);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + json + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        csv.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + rows + ": " + e.getMessage(), e);
      }
    }
  }
}
