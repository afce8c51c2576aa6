package org.fedsim.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.fedsim.protocol.ModelWeights;
import org.fedsim.scenario.ScenarioException;
import org.fedsim.server.ServerState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File names of runs side by side, and what a run checkpoint or checkpoint.json that does not add up is told. */
class RunCheckpointsTest {
  @TempDir Path tmp;

  static final String ROWS = "seed=1,1,ALL\n";

  static Checkpoint checkpoint(String scenario, String run, long bytes) {
    ServerState state = new ServerState(3, new ModelWeights(new float[] {0.5f, -1f}), List.of(), 12.5, List.of(),
        List.of(), Map.of());
    ResultsWriter.RunSummary sofar = new ResultsWriter.RunSummary(run, 3, 0.7, 0.8, 0.6, 1.5,
        ResultsWriter.Participation.NONE, 12.5, 1.0, 1e-5, "RDP", "", List.of());
    return new Checkpoint(Checkpoint.FORMAT, scenario, List.of(), run, state, ResultsWriter.Participation.NONE, 1.5,
        bytes, sofar, List.of());
  }

  /** Run {@code label}'s rows and a good checkpoint of it in {@code files}. */
  static void write(RunCheckpoints files, String label) throws Exception {
    Files.createDirectories(files.rowsFile(label).getParent());
    Files.writeString(files.rowsFile(label), ROWS);
    checkpoint("s", label, ROWS.length()).writeFile(files.checkpointFile(label));
  }

  @Test
  void labelsThatLookAlikeAsFileNamesGetFilesOfTheirOwn() throws Exception {
    // the same once unsafe characters are replaced; the same to a case-insensitive file system; too long for one
    String longLabel = "strategy.name=fedprox,".repeat(20);
    List<String> labels = List.of("name=a ?", "name=a! ", "m=X", "m=x", longLabel);
    RunCheckpoints files = new RunCheckpoints(tmp, "s", labels);
    for (int i = 0; i < labels.size(); i++) {
      for (int j = i + 1; j < labels.size(); j++) {
        String a = files.checkpointFile(labels.get(i)).getFileName().toString().toLowerCase(Locale.ROOT);
        String b = files.checkpointFile(labels.get(j)).getFileName().toString().toLowerCase(Locale.ROOT);
        assertNotEquals(a, b, labels.get(i) + " and " + labels.get(j));
      }
    }
    assertEquals("001-name=a__", RunCheckpoints.name(1, "name=a ?"));
    assertEquals("002-name=a__", RunCheckpoints.name(2, "name=a! "));
    String longName = files.rowsFile(longLabel).getFileName().toString();
    assertEquals("005-" + longLabel.substring(0, RunCheckpoints.LABEL_CHARS) + ".csv.partial", longName);
    for (String label : labels) write(files, label);
    for (String label : labels) assertEquals(label, files.read(label).run());
  }

  @Test
  void aRunCheckpointThatDoesNotAddUpIsRefusedNamingTheFileAndTheWayOut() throws Exception {
    RunCheckpoints files = new RunCheckpoints(tmp, "s", List.of("seed=1", "seed=2"));
    write(files, "seed=1");
    assertEquals(3, files.read("seed=1").state().round());
    ObjectMapper mapper = new ObjectMapper();
    Path file = files.checkpointFile("seed=1");
    String good = Files.readString(file);
    Map<String, Consumer<ObjectNode>> faults = Map.of(
        "has no state", c -> c.putNull("state"),
        "has no state.global", c -> ((ObjectNode) c.get("state")).putNull("global"),
        "has no participation", c -> c.putNull("participation"),
        "has no sofar", c -> c.putNull("sofar"),
        "metricsBytes must be >= 0, got -1", c -> c.put("metricsBytes", -1),
        ": no metricsBytes", c -> c.remove("metricsBytes"),
        "of scenario s, it holds run seed=1 of scenario other", c -> c.put("scenario", "other"),
        "expected the checkpoint of run seed=1 of scenario s, it holds run seed=2", c -> c.put("run", "seed=2"),
        "says 100 bytes of rows were written by its last round, but " + files.rowsFile("seed=1") + " holds "
            + ROWS.length(), c -> c.put("metricsBytes", 100));
    for (Map.Entry<String, Consumer<ObjectNode>> f : faults.entrySet()) {
      ObjectNode c = (ObjectNode) mapper.readTree(good);
      f.getValue().accept(c);
      Files.writeString(file, mapper.writeValueAsString(c));
      ScenarioException e = assertThrows(ScenarioException.class, () -> files.read("seed=1"), f.getKey());
      assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(f.getKey())
          && e.getMessage().endsWith("to redo run seed=1 from round 1, delete " + file + " and "
              + files.rowsFile("seed=1")), e::getMessage);
    }
    assertEquals(null, files.read("seed=2"), "no checkpoint: from round 1");
  }

  @Test
  void aMetricsPartialShorterThanCheckpointJsonSaysIsRefusedNamingBoth() throws Exception {
    Path partial = Files.writeString(tmp.resolve("metrics.csv.partial"), "run,round\n");
    ScenarioException e = assertThrows(ScenarioException.class,
        () -> ResultsWriter.resume(tmp, checkpoint("s", "seed=1", 1000)));
    assertTrue(e.getMessage().startsWith(tmp.resolve(Checkpoint.FILE) + " says 1000 bytes of rows were written")
        && e.getMessage().contains(partial + " holds 10")
        && e.getMessage().contains("delete " + tmp.resolve(Checkpoint.FILE)), e::getMessage);
    Files.delete(partial);
    e = assertThrows(ScenarioException.class, () -> ResultsWriter.resume(tmp, checkpoint("s", "seed=1", 5)));
    assertTrue(e.getMessage().contains(partial + " is missing"), e::getMessage);
  }
}
