package org.fedsim.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the PyTorch peer, {@code fl_dp_baseline.py}, with Debian's interpreter, one thread. */
final class PeerRunner {
  private static final Logger log = LoggerFactory.getLogger(PeerRunner.class);
  static final String INSTALL_HINT = "apt-get install -y python3-torch python3-numpy python3-sklearn";

  private final BenchOptions options;

  PeerRunner(BenchOptions options) {
    this.options = options;
  }

  /** Null when the peer can run; otherwise why not (one line, with how to fix it). */
  String unavailableReason() {
    Path script = options.peerScript();
    if (!Files.isRegularFile(script)) {
      return "PyTorch peer unavailable: " + script + " not found (--bench-dir points at ../shared/bench)";
    }
    Path python = options.python();
    if (!Files.isExecutable(python)) {
      return "PyTorch peer unavailable: " + python + " not found; install it with: " + INSTALL_HINT;
    }
    try {
      Process p = new ProcessBuilder(python.toString(), "-c", "import torch, numpy, sklearn")
          .redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return "PyTorch peer unavailable: 'import torch' in " + python + " did not finish within 2 minutes";
      }
      if (p.exitValue() != 0) {
        String last = out.isEmpty() ? "exit code " + p.exitValue() : out.substring(out.lastIndexOf('\n') + 1);
        return "PyTorch peer unavailable: " + python + " cannot import torch/numpy/sklearn (" + last
            + "); install them with: " + INSTALL_HINT;
      }
      return null;
    } catch (IOException e) {
      return "PyTorch peer unavailable: cannot start " + python + " (" + e.getMessage() + "); install with: "
          + INSTALL_HINT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "PyTorch peer unavailable: interrupted";
    }
  }

  /** The command line of one peer invocation (without its --out file), for the report. */
  List<String> command(boolean sweep, Path out) {
    List<String> cmd = new ArrayList<>(List.of(options.python().toString(), options.peerScript().toString(),
        "--data", options.data().toString(), "--threads", "1", "--rounds", Integer.toString(options.rounds())));
    if (sweep) cmd.addAll(List.of("--sweep", "--repeats", "3"));
    cmd.addAll(List.of("--out", out == null ? "<tmp>.csv" : out.toString()));
    return cmd;
  }

  /** One peer process; its per-round CSV goes to a temp file that is deleted afterwards. */
  ChildProcess.Outcome run(boolean sweep, Duration timeout) throws IOException {
    Path tmpDir = Files.createTempDirectory("fedsim-bench-peer");
    Path out = tmpDir.resolve(sweep ? "peer-sweep.csv" : "peer-seed.csv");
    try {
      return ChildProcess.run(command(sweep, out), tmpDir, env -> { }, timeout,
          line -> log.debug("peer: {}", line));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(tmpDir);
    }
  }
}
