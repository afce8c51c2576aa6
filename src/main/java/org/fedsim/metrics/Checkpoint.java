package org.fedsim.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedsim.scenario.ScenarioException;
import org.fedsim.server.RunEvent;
import org.fedsim.server.ServerState;
import org.fedsim.server.SiteRound;

/**
 * What {@code fedsim run --resume DIR} needs to go on after the last finished round: the runs already finished
 * (their summaries), the run under way with its server state and tallies, and how many bytes of
 * {@code metrics.csv.partial} belong to finished rounds (anything after them is cut off on resume), and the run's
 * summary as of its last finished round (its final summary, when that round was its last) with that round's site
 * lines (from which a run killed after its last round, before its summary, still computes its baselines).
 * Written atomically to {@code checkpoint.json} after every round. A run of a sweep side by side keeps its own (one
 * per run, {@link RunCheckpoints}: no finished runs in it, and {@code metricsBytes} counts its own rows file).
 */
public record Checkpoint(int format, String scenario, List<ResultsWriter.RunSummary> finished, String run,
    ServerState state, ResultsWriter.Participation participation, double wallSeconds, long metricsBytes,
    ResultsWriter.RunSummary sofar, List<SiteRound> lastSites) {
  public static final int FORMAT = 1;
  public static final String FILE = "checkpoint.json";
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Checkpoint {
    finished = List.copyOf(finished);
    lastSites = lastSites == null ? List.of() : List.copyOf(lastSites); // null: a checkpoint from before them
  }

  public void writeTo(Path dir) throws IOException {
    writeFile(dir.resolve(FILE));
  }

  /** Written atomically to {@code file}. */
  void writeFile(Path file) throws IOException {
    ResultsWriter.writeAtomically(file, MAPPER.writeValueAsString(this));
  }

  /** The checkpoint.json in {@code dir}, unchecked (tests); {@link #readFile(Path, String, String, String)} checks. */
  public static Checkpoint readFrom(Path dir) throws IOException {
    return parse(dir.resolve(FILE));
  }

  /** The checkpoint in {@code file}; an IOException says what is wrong with it. */
  private static Checkpoint parse(Path file) throws IOException {
    com.fasterxml.jackson.databind.JsonNode tree = MAPPER.readTree(file.toFile());
    if (tree == null || !tree.isObject()) throw new IOException(file + ": not a JSON object");
    // numbers a record would take as 0 when missing: a missing byte count would silently drop a run's rows
    for (String field : List.of("format", "metricsBytes")) {
      if (!tree.hasNonNull(field)) throw new IOException("no " + field);
    }
    Checkpoint c = MAPPER.treeToValue(tree, Checkpoint.class);
    if (c.format() != FORMAT) {
      throw new IOException(file + ": checkpoint format " + c.format() + ", expected " + FORMAT);
    }
    return c;
  }

  /**
   * The checkpoint in {@code file}, of scenario {@code scenario} (and of run {@code run}, unless null), with
   * everything a resume goes on from. One that cannot be read ({@code what}: how to name it before the file, e.g.
   * "the checkpoint of run seed=2, "), is of another scenario or run, lacks state, state.global, participation or
   * sofar, or has a negative metricsBytes is refused naming {@code file}, what is wrong and {@code redo} (the way out).
   */
  public static Checkpoint readFile(Path file, String scenario, String run, String what, String redo) {
    Checkpoint c;
    try {
      c = parse(file);
    } catch (IOException e) {
      throw new ScenarioException("cannot read " + what + file + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + redo, e);
    }
    if ((run != null && !run.equals(c.run())) || !scenario.equals(c.scenario())) {
      throw new ScenarioException(file + ": expected the checkpoint of " + (run == null ? "" : "run " + run + " of ")
          + "scenario " + scenario + ", it holds run " + c.run() + " of scenario " + c.scenario() + redo);
    }
    String missing = c.state() == null ? "state" : c.state().global() == null ? "state.global"
        : c.participation() == null ? "participation" : c.sofar() == null ? "sofar" : null;
    if (missing != null) throw new ScenarioException(file + ": the checkpoint has no " + missing + redo);
    if (c.metricsBytes() < 0) {
      throw new ScenarioException(file + ": metricsBytes must be >= 0, got " + c.metricsBytes() + redo);
    }
    return c;
  }

  /**
   * The checkpoint after {@code round} of run {@code run} of scenario {@code scenario}, {@code finished} the runs
   * written before it, {@code metricsBytes} the bytes of its rows file.
   */
  static Checkpoint after(String scenario, List<ResultsWriter.RunSummary> finished, String run,
      RunEvent.RoundCompleted round, ResultsWriter.Participation participation, double wallSeconds,
      long metricsBytes) {
    return new Checkpoint(FORMAT, scenario, finished, run, round.state(), participation, wallSeconds, metricsBytes,
        ResultsWriter.RunSummary.of(run, round, participation, wallSeconds), round.sites());
  }

  /** This checkpoint with the runs {@code finished} before it and {@code metricsBytes} of rows. */
  Checkpoint with(List<ResultsWriter.RunSummary> finished, long metricsBytes) {
    return new Checkpoint(FORMAT, scenario, finished, run, state, participation, wallSeconds, metricsBytes, sofar,
        lastSites);
  }
}
