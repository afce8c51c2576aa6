package org.fedsim.etl;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Samples heap use in a daemon thread while a benchmark runs: the peak of used heap (live data plus garbage not
 * yet collected) and the peak of the old generation (what survived young collections: the live set, which must
 * stay flat as the input grows).
 */
public final class HeapSampler implements AutoCloseable {
  private final Thread thread;
  private final List<MemoryPoolMXBean> old = new ArrayList<>();
  private volatile boolean running = true;
  private volatile long peakUsed;
  private volatile long peakOld;

  public HeapSampler(long periodMillis) {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      String n = p.getName().toLowerCase(Locale.ROOT);
      if (p.getType() == MemoryType.HEAP && (n.contains("old") || n.contains("tenured"))) old.add(p);
    }
    thread = new Thread(() -> {
      while (running) {
        sample();
        try {
          Thread.sleep(periodMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    thread.setDaemon(true);
    sample();
    thread.start();
  }

  private void sample() {
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    if (used > peakUsed) peakUsed = used;
    long o = 0;
    for (MemoryPoolMXBean p : old) o += p.getUsage().getUsed();
    if (o > peakOld) peakOld = o;
  }

  /** Peak used heap in bytes. */
  public long peakUsed() {
    return peakUsed;
  }

  /** Peak old-generation use in bytes (0 when the collector has no old-generation pool). */
  public long peakOld() {
    return peakOld;
  }

  /** The heap limit (-Xmx) in bytes. */
  public static long maxHeap() {
    return Runtime.getRuntime().maxMemory();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    sample();
  }
}
