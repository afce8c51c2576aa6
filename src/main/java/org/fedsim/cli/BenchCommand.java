package org.fedsim.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code fedsim bench}: placeholder replaced below. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark against the PyTorch peer.")
final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
