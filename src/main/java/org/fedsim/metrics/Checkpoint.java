package org.fedsim.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  public static Checkpoint readFrom(Path dir) throws IOException {
    return readFile(dir.resolve(FILE));
  }

  /** The checkpoint in {@code file}; an IOException says what is wrong with it. */
  public static Checkpoint readFile(Path file) throws IOException {
    Checkpoint c = MAPPER.readValue(file.toFile(), Checkpoint.class);
    if (c.format() != FORMAT) {
      throw new IOException(file + ": checkpoint format " + c.format() + ", expected " + FORMAT);
    }
    return c;
  }
}
